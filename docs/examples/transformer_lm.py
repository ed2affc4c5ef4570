"""Train a small character-level Transformer language model, written as a PyTorch script.

Everything is plain PyTorch idiom with `import torsh as torch`: the text is the Zen of Python,
read from the standard library's `this` module on disk (it is stored ROT13-encoded; no network,
and nothing is imported from it); token and position embeddings (nn.Embedding), a
nn.TransformerEncoder run with a causal mask (so each position sees only the past), a linear
head, cross entropy on the next character, Adam with gradient clipping, and sampling.

Run:  python docs/examples/transformer_lm.py [--steps N] [--quick]
      (or set TRANSFORMER_LM_STEPS=N)
The default run (120 steps of 8 windows of 16 characters, a one-layer model of 12k parameters)
takes about 75 s of CPU time on the pure-Python reference kernels; the loss falls from
ln(45) ~ 3.8 to about 2.0, and the sample starts to look like English-ish words.
"""
import argparse
import ast
import codecs
import importlib.util
import math
import os
import time

import torsh as torch
import torsh.nn as nn
import torsh.nn.functional as F


def zen_of_python():
    """The text of `import this`, decoded from the module's source file without importing it."""
    with open(importlib.util.find_spec("this").origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    encoded = next(node.value.value for node in tree.body if isinstance(node, ast.Assign)
                   and node.targets[0].id == "s")
    return codecs.decode(encoded, "rot13")


class CharTransformer(nn.Module):
    """Characters -> embeddings (+ learned positions) -> causal Transformer encoder -> logits."""

    def __init__(self, vocab_size, context, d_model, nhead, num_layers, dim_feedforward):
        super().__init__()
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.0,
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens):
        """tokens (N, T) -> next-character logits (N, T, vocab)."""
        length = tokens.shape[1]
        x = self.token(tokens) + self.position(torch.arange(length))
        mask = nn.Transformer.generate_square_subsequent_mask(length)
        return self.head(self.encoder(x, mask=mask, is_causal=True))


def batches(data, batch_size, context, generator):
    """Random windows of the text: inputs data[i:i+T] and targets data[i+1:i+T+1]."""
    starts = torch.randint(0, len(data) - context - 1, (batch_size,), generator=generator)
    inputs = torch.stack([data[s:s + context] for s in starts.tolist()])
    targets = torch.stack([data[s + 1:s + context + 1] for s in starts.tolist()])
    return inputs, targets


@torch.no_grad()
def sample(model, prompt, length, context, stoi, itos, generator, temperature=0.8):
    """Extend `prompt` one character at a time, drawing from softmax(logits / temperature)."""
    model.eval()
    tokens = [stoi[c] for c in prompt]
    for _ in range(length):
        window = torch.tensor([tokens[-context:]])
        logits = model(window)[0, -1] / temperature
        probs = F.softmax(logits, dim=-1)
        tokens.append(torch.multinomial(probs, 1, generator=generator).item())
    model.train()
    return "".join(itos[t] for t in tokens)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int,
                        default=int(os.environ.get("TRANSFORMER_LM_STEPS", 0)) or None,
                        help="training steps (default: 120, or 6 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny run for tests: a smaller model and batch, 6 steps")
    args = parser.parse_args()
    steps = args.steps if args.steps is not None else (6 if args.quick else 120)
    if steps < 1:
        parser.error("--steps must be at least 1")
    context, batch_size = (16, 4) if args.quick else (16, 8)
    d_model, nhead, num_layers = (16, 2, 1) if args.quick else (32, 4, 1)

    torch.manual_seed(0)
    text = zen_of_python()
    chars = sorted(set(text))
    stoi = {c: i for i, c in enumerate(chars)}
    itos = dict(enumerate(chars))
    data = torch.tensor([stoi[c] for c in text])
    print(f"text: {len(text)} characters, vocabulary of {len(chars)} "
          f"(uniform loss ln {len(chars)} = {math.log(len(chars)):.3f})")

    model = CharTransformer(len(chars), context, d_model, nhead, num_layers, 2 * d_model)
    print(f"model: {sum(p.numel() for p in model.parameters())} parameters")
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    generator = torch.Generator().manual_seed(0)
    report_every = max(1, steps // 10)

    start, running = time.perf_counter(), []
    for step in range(1, steps + 1):
        inputs, targets = batches(data, batch_size, context, generator)
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, len(chars)), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        running.append(loss.item())
        if step % report_every == 0 or step == steps:
            print(f"step {step:4d}  loss {sum(running) / len(running):.4f}")
            running = []
    print(f"trained {steps} steps in {time.perf_counter() - start:.1f} s")
    print("sample:", repr(sample(model, "Beautiful ", 40 if not args.quick else 10, context,
                                 stoi, itos, generator)))


if __name__ == "__main__":
    main()
