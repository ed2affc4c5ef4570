"""The main job: train a CNN on scikit-learn's 8x8 handwritten digits, as a PyTorch script.

Plain PyTorch idiom with `import torsh as torch`: the 1,797 bundled images (no download) split
80/20, a shuffling DataLoader, Conv2d -> BatchNorm2d -> ReLU -> MaxPool2d -> Dropout -> Linear,
cross entropy and Adam, a tqdm progress bar per epoch, per-epoch loss and accuracy, a
checkpoint (model and optimizer state) saved, reloaded and verified to give identical outputs,
and the training curves drawn to a PNG with matplotlib.

Run:  make demo    (or: python docs/examples/cnn.py [--epochs N] [--quick] [--out DIR])
On the pure-Python reference kernels the default run takes a few minutes and reaches about
98% test accuracy; `--quick` trains on a slice for a few seconds (the tests use it).
"""
import argparse
import os
import time

import matplotlib
import numpy as np
from sklearn.datasets import load_digits
from tqdm import tqdm

import torsh as torch
import torsh.nn as nn
import torsh.nn.functional as F
from torsh.utils.data import DataLoader, TensorDataset

matplotlib.use("Agg")                 # draw to files; no screen needed
import matplotlib.pyplot as plt  # noqa: E402


def load_data(seed):
    """Digits as (N, 1, 8, 8) float32 in [0, 1] and int64 labels, shuffled and split 80/20."""
    digits = load_digits()
    images = torch.tensor(digits.images.astype(np.float32) / 16.0).unsqueeze(1)
    labels = torch.tensor(digits.target.astype(np.int64))
    order = torch.randperm(len(labels), generator=torch.Generator().manual_seed(seed))
    cut = int(0.8 * len(labels))
    train, test = order[:cut], order[cut:]
    return (images[train], labels[train]), (images[test], labels[test])


def make_model():
    """16 3x3 filters over the 8x8 image, pooled to 4x4, then a linear classifier."""
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Dropout(0.25),
        nn.Flatten(),
        nn.Linear(16 * 4 * 4, 10),
    )


def train_epoch(model, loader, optimizer, epoch, epochs):
    """One pass with a progress bar; returns (mean loss, accuracy) over the training set."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    bar = tqdm(loader, desc=f"epoch {epoch}/{epochs}", unit="batch", leave=False)
    for images, labels in bar:
        optimizer.zero_grad()
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(1) == labels).sum().item()
        seen += len(labels)
        bar.set_postfix(loss=f"{total_loss / seen:.3f}")
    return total_loss / seen, correct / seen


def evaluate(model, images, labels):
    """(mean loss, accuracy) in eval mode (running batch-norm statistics, no dropout)."""
    model.eval()
    with torch.no_grad():
        logits = model(images)
        return F.cross_entropy(logits, labels).item(), \
            (logits.argmax(1) == labels).float().mean().item()


def save_and_verify(model, optimizer, epoch, images, path):
    """Save a checkpoint, load it into a fresh model and optimizer, compare outputs exactly."""
    torch.save({"epoch": epoch, "model": model.state_dict(),
                "optimizer": optimizer.state_dict()}, path)
    checkpoint = torch.load(path)
    fresh = make_model()
    fresh.load_state_dict(checkpoint["model"])
    torch.optim.Adam(fresh.parameters()).load_state_dict(checkpoint["optimizer"])
    model.eval()
    fresh.eval()
    with torch.no_grad():
        return torch.equal(model(images), fresh(images))


def plot(history, path):
    """Loss and accuracy per epoch, train and test, side by side."""
    epochs = range(1, len(history["train_loss"]) + 1)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history["train_loss"], label="train")
    left.plot(epochs, history["test_loss"], label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    right.plot(epochs, [100 * a for a in history["train_acc"]], label="train")
    right.plot(epochs, [100 * a for a in history["test_acc"]], label="test")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
    for axes in (left, right):
        axes.grid(alpha=0.3)
        axes.legend()
    figure.suptitle("torsh CNN on scikit-learn digits")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="a few seconds on a data slice")
    parser.add_argument("--out", default=os.path.join("build", "demo"))
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    start = time.perf_counter()

    (train_x, train_y), (test_x, test_y) = load_data(args.seed)
    if args.quick:
        train_x, train_y, test_x, test_y = train_x[:192], train_y[:192], test_x[:64], test_y[:64]
        args.epochs = min(args.epochs, 3)
    print(f"digits: {len(train_y)} training and {len(test_y)} test images of 8x8 pixels")
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=args.batch_size,
                        shuffle=True, generator=torch.Generator().manual_seed(args.seed))
    model = make_model()
    print(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(1, args.epochs + 1):
        train_loss, train_acc = train_epoch(model, loader, optimizer, epoch, args.epochs)
        scheduler.step()
        test_loss, test_acc = evaluate(model, test_x, test_y)
        for key, value in zip(history, (train_loss, train_acc, test_loss, test_acc)):
            history[key].append(value)
        print(f"epoch {epoch:2d}  train loss {train_loss:.4f}  train accuracy "
              f"{100 * train_acc:5.1f}%  test loss {test_loss:.4f}  test accuracy "
              f"{100 * test_acc:5.1f}%  ({time.perf_counter() - start:.0f} s)")

    checkpoint = os.path.join(args.out, "cnn_digits.pt")
    same = save_and_verify(model, optimizer, args.epochs, test_x, checkpoint)
    print(f"checkpoint {checkpoint}: reloaded model gives identical outputs: {same}")
    curves = os.path.join(args.out, "cnn_digits_curves.png")
    plot(history, curves)
    print(f"training curves: {curves}")
    print(f"final test accuracy: {100 * history['test_acc'][-1]:.1f}% "
          f"in {time.perf_counter() - start:.0f} s")
    if not same:
        raise SystemExit("the reloaded checkpoint gives different outputs")


if __name__ == "__main__":
    main()
