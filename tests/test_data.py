"""torsh.utils.data: datasets, samplers, default_collate and the DataLoader with 0 and 2
worker processes (determinism across worker counts, worker errors, dead workers, timeouts)."""
import collections
import os
import time

import numpy as np
import pytest

import torsh
from torsh.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset,
                              IterableDataset, RandomSampler, SequentialSampler, StackDataset,
                              Subset, SubsetRandomSampler, TensorDataset,
                              WeightedRandomSampler, default_collate, default_convert,
                              get_worker_info, random_split)

Point = collections.namedtuple("Point", "x y")


class Squares(Dataset):
    """Sample i is i * i; a small map-style dataset."""

    def __init__(self, n=10):
        self.n = n

    def __getitem__(self, i):
        return i * i

    def __len__(self):
        return self.n


class Range(IterableDataset):
    """0..n-1, split between workers by get_worker_info() when split=True."""

    def __init__(self, n, split=True):
        self.n, self.split = n, split

    def __iter__(self):
        info = get_worker_info()
        if info is None or not self.split:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))

    def __len__(self):
        return self.n


class FailsAt(Dataset):
    def __init__(self, bad):
        self.bad = bad

    def __getitem__(self, i):
        if i == self.bad:
            raise ValueError(f"sample {i} is broken")
        return i

    def __len__(self):
        return 8


class DiesAt(FailsAt):
    def __getitem__(self, i):
        if i == self.bad:
            os._exit(3)
        return i


class Sleeps(Dataset):
    def __getitem__(self, i):
        time.sleep(3)
        return i

    def __len__(self):
        return 4


class WhoAmI(Dataset):
    """Sample i is (i, pid, worker id, worker seed) of the process that loaded it."""

    def __getitem__(self, i):
        info = get_worker_info()
        return (i, os.getpid(), -1 if info is None else info.id, 0 if info is None else
                info.seed % 1000)

    def __len__(self):
        return 6


def batches(loader):
    return [b.tolist() if isinstance(b, torsh.Tensor) else b for b in loader]


# ------------------------------------------------------------ datasets

def test_tensor_dataset_indexes_every_tensor_along_dim0():
    ds = TensorDataset(torsh.arange(4), torsh.arange(8).reshape(4, 2))
    x, y = ds[2]
    assert len(ds) == 4 and x.item() == 2 and y.tolist() == [4, 5]
    with pytest.raises(ValueError, match="TensorDataset: size mismatch"):
        TensorDataset(torsh.arange(3), torsh.arange(4))


def test_stack_dataset_tuple_and_dict_forms():
    assert StackDataset([1, 2], "ab")[1] == (2, "b")
    assert StackDataset(a=[1, 2], b="xy")[0] == {"a": 1, "b": "x"}
    with pytest.raises(ValueError, match="StackDataset: size mismatch"):
        StackDataset([1, 2], [1])
    with pytest.raises(ValueError, match="StackDataset: supported either"):
        StackDataset([1], b=[2])


def test_concat_dataset_crosses_boundaries_and_takes_negative_indices():
    ds = Squares(3) + [10, 11]
    assert isinstance(ds, ConcatDataset) and len(ds) == 5
    assert [ds[i] for i in range(5)] == [0, 1, 4, 10, 11]
    assert ds[-1] == 11 and ds[-5] == 0
    with pytest.raises(ValueError, match="ConcatDataset: absolute value of index -6"):
        ds[-6]
    with pytest.raises(AssertionError, match="ConcatDataset does not support IterableDataset"):
        ConcatDataset([Range(2)])


def test_chain_dataset_and_iterable_plus():
    chained = Range(2) + Range(3)
    assert isinstance(chained, ChainDataset)
    assert list(chained) == [0, 1, 0, 1, 2] and len(chained) == 5


def test_subset_and_random_split_by_lengths_and_fractions():
    sub = Subset(Squares(), [3, 1])
    assert len(sub) == 2 and sub[0] == 9 and sub[[0, 1]] == [9, 1]
    parts = random_split(range(10), [0.33, 0.33, 0.34], generator=torsh.Generator())
    assert [len(p) for p in parts] == [4, 3, 3]     # floors 3, 3, 3; the 1 left goes first
    assert sorted(i for p in parts for i in p.indices) == list(range(10))
    again = random_split(range(10), [4, 3, 3], generator=torsh.Generator())
    assert [p.indices for p in again] == [p.indices for p in parts]
    with pytest.raises(ValueError, match="random_split: sum of input lengths"):
        random_split(range(10), [4, 4])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        random_split(range(1), [0.5, 0.5])


# ------------------------------------------------------------ samplers

def test_sequential_and_random_sampler_without_replacement():
    assert list(SequentialSampler(range(4))) == [0, 1, 2, 3]
    order = list(RandomSampler(range(6), generator=torsh.Generator().manual_seed(1)))
    assert sorted(order) == list(range(6))
    assert order == list(RandomSampler(range(6), generator=torsh.Generator().manual_seed(1)))
    longer = list(RandomSampler(range(3), num_samples=7))   # two permutations, then one more
    assert sorted(longer[:3]) == sorted(longer[3:6]) == [0, 1, 2] and len(longer) == 7


def test_random_sampler_with_replacement_and_errors():
    drawn = list(RandomSampler(range(3), replacement=True, num_samples=20))
    assert len(drawn) == 20 and set(drawn) <= {0, 1, 2}
    with pytest.raises(ValueError, match="RandomSampler: num_samples should be a positive"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="RandomSampler: replacement should be a boolean"):
        RandomSampler(range(3), replacement=1)


def test_subset_random_and_weighted_samplers():
    assert sorted(SubsetRandomSampler([5, 7, 9])) == [5, 7, 9]
    weighted = list(WeightedRandomSampler([0.0, 1.0, 3.0], 30))
    assert len(weighted) == 30 and set(weighted) <= {1, 2}
    distinct = list(WeightedRandomSampler([1.0, 1.0, 1.0], 3, replacement=False))
    assert sorted(distinct) == [0, 1, 2]
    with pytest.raises(ValueError, match="WeightedRandomSampler: weights should be a 1d"):
        WeightedRandomSampler([[1.0]], 1)
    with pytest.raises(ValueError, match="WeightedRandomSampler: replacement should be a"):
        WeightedRandomSampler([1.0], 1, replacement=None)


def test_batch_sampler_keeps_or_drops_the_last_short_batch():
    assert list(BatchSampler(range(5), 2, False)) == [[0, 1], [2, 3], [4]]
    assert list(BatchSampler(range(5), 2, True)) == [[0, 1], [2, 3]]
    assert len(BatchSampler(range(5), 2, False)) == 3 and len(BatchSampler(range(5), 2, True)) == 2
    with pytest.raises(ValueError, match="BatchSampler: batch_size should be a positive"):
        BatchSampler(range(5), 0, False)


# ------------------------------------------------------------ collation

def test_default_collate_leaves():
    stacked = default_collate([torsh.tensor([1, 2]), torsh.tensor([3, 4])])
    assert stacked.shape == (2, 2) and stacked.tolist() == [[1, 2], [3, 4]]
    floats = default_collate([1.5, 2.0])
    assert floats.dtype == torsh.float64 and floats.tolist() == [1.5, 2.0]
    assert default_collate([1, 2]).dtype == torsh.int64
    assert default_collate([True, False]).dtype == torsh.bool
    arrays = default_collate([np.zeros(2, np.float32), np.ones(2, np.float32)])
    assert arrays.dtype == torsh.float32 and arrays.tolist() == [[0, 0], [1, 1]]
    assert default_collate([np.int32(1), np.int32(2)]).dtype == torsh.int32
    assert default_collate(["a", "b"]) == ["a", "b"]


def test_default_collate_nested_structures():
    batch = [{"p": Point(1, 2.0), "t": (torsh.tensor(1.0), [3])},
             {"p": Point(4, 5.0), "t": (torsh.tensor(2.0), [6])}]
    out = default_collate(batch)
    assert isinstance(out["p"], Point)
    assert out["p"].x.tolist() == [1, 4] and out["p"].y.tolist() == [2.0, 5.0]
    assert isinstance(out["t"], list)          # tuples come back as lists, as in PyTorch
    assert out["t"][0].tolist() == [1.0, 2.0] and out["t"][1][0].tolist() == [3, 6]
    with pytest.raises(RuntimeError, match="default_collate: each element in list of batch"):
        default_collate([[1, 2], [3]])
    with pytest.raises(TypeError, match="default_collate: batch must contain"):
        default_collate([object()])


def test_default_convert_turns_arrays_into_tensors_only():
    out = default_convert({"a": np.arange(3), "b": 1.5, "c": (np.float64(2.0), "s")})
    assert isinstance(out["a"], torsh.Tensor) and out["a"].tolist() == [0, 1, 2]
    assert out["b"] == 1.5 and out["c"][0].item() == 2.0 and out["c"][1] == "s"


# ------------------------------------------------------------ DataLoader, main process

def test_loader_batches_drop_last_and_len():
    loader = DataLoader(Squares(5), batch_size=2)
    assert batches(loader) == [[0, 1], [4, 9], [16]] and len(loader) == 3
    loader = DataLoader(Squares(5), batch_size=2, drop_last=True, pin_memory=True)
    assert batches(loader) == [[0, 1], [4, 9]] and len(loader) == 2
    unbatched = DataLoader([np.float32(1.0), np.float32(2.0)], batch_size=None)
    assert [b.item() for b in unbatched] == [1.0, 2.0]
    chosen = DataLoader(Squares(), batch_sampler=[[3, 1], [2]])
    assert batches(chosen) == [[9, 1], [4]]
    assert batches(DataLoader(Squares(), sampler=[4, 2], batch_size=2)) == [[16, 4]]
    assert batches(DataLoader(Range(5), batch_size=2, drop_last=True)) == [[0, 1], [2, 3]]


def test_loader_argument_errors():
    ds = Squares()
    for kwargs, message in [
            (dict(num_workers=-1), "num_workers option should be non-negative"),
            (dict(timeout=-1), "timeout option should be non-negative"),
            (dict(prefetch_factor=2), "prefetch_factor option could only be specified"),
            (dict(persistent_workers=True), "persistent_workers option needs num_workers"),
            (dict(sampler=[0], shuffle=True), "sampler option is mutually exclusive"),
            (dict(batch_sampler=[[0]], batch_size=2), "batch_sampler option is mutually"),
            (dict(batch_size=None, drop_last=True), "batch_size=None option disables")]:
        with pytest.raises(ValueError, match=message):
            DataLoader(ds, **kwargs)
    with pytest.raises(ValueError, match="IterableDataset: expected unspecified shuffle"):
        DataLoader(Range(3), shuffle=True)
    loader = DataLoader(ds)
    with pytest.raises(ValueError, match="batch_size attribute should not be set"):
        loader.batch_size = 3
    assert get_worker_info() is None


# ------------------------------------------------------------ DataLoader, worker processes

def test_same_seed_same_batches_with_0_and_2_workers():
    ds = TensorDataset(torsh.arange(11))
    seen = []
    for workers in (0, 2):
        torsh.manual_seed(7)
        seen.append([b[0].tolist() for b in DataLoader(ds, batch_size=3, shuffle=True,
                                                       num_workers=workers)])
        gen = torsh.Generator().manual_seed(3)
        seen.append([b[0].tolist() for b in DataLoader(ds, batch_size=4, shuffle=True,
                                                       num_workers=workers, generator=gen)])
    assert seen[0] == seen[2] and seen[1] == seen[3]
    assert sorted(sum(seen[0], [])) == list(range(11))
    assert seen[0] != [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10]]


def test_workers_see_worker_info_and_init_fn(tmp_path):
    def init(worker_id):
        (tmp_path / f"init{worker_id}").write_text(str(get_worker_info().num_workers))

    rows = [row for batch in DataLoader(WhoAmI(), batch_size=2, num_workers=2,
                                        worker_init_fn=init, prefetch_factor=1)
            for row in zip(*(part.tolist() for part in batch))]
    assert [r[0] for r in rows] == list(range(6))
    assert {r[2] for r in rows} == {0, 1} and os.getpid() not in {r[1] for r in rows}
    by_worker = {r[2]: r[3] for r in rows}
    assert (by_worker[1] - by_worker[0]) % 1000 == 1      # seed = base_seed + worker id
    assert sorted(p.name for p in tmp_path.iterdir()) == ["init0", "init1"]
    assert (tmp_path / "init0").read_text() == "2"


def test_iterable_dataset_with_workers():
    split = batches(DataLoader(Range(7), batch_size=2, num_workers=2))
    assert sorted(sum(split, [])) == list(range(7))
    copied = batches(DataLoader(Range(3, split=False), batch_size=None, num_workers=2))
    assert sorted(copied) == [0, 0, 1, 1, 2, 2]     # each worker yields its own copy


def test_worker_exception_carries_the_worker_traceback():
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process") as e:
        list(DataLoader(FailsAt(5), batch_size=2, num_workers=2))
    assert "sample 5 is broken" in str(e.value) and "__getitem__" in str(e.value)
    with pytest.raises(ZeroDivisionError, match="worker process 0"):
        list(DataLoader(Squares(4), num_workers=1, worker_init_fn=lambda i: 1 / 0))


def test_unpicklable_batch_is_an_error_not_a_hang():
    with pytest.raises(Exception, match="pickling the batch"):
        list(DataLoader(Squares(2), num_workers=1, collate_fn=lambda b: (lambda: b)))


def test_killed_worker_raises_instead_of_hanging():
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid .*exit code 3"):
        list(DataLoader(DiesAt(3), batch_size=2, num_workers=2))
    assert time.monotonic() - start < 5


def test_timeout_raises():
    with pytest.raises(RuntimeError, match="DataLoader timed out after 0.3 seconds"):
        list(DataLoader(Sleeps(), num_workers=1, timeout=0.3))


def test_persistent_workers_serve_every_epoch():
    loader = DataLoader(WhoAmI(), batch_size=3, num_workers=2, persistent_workers=True)
    first = [tuple(b[1].tolist()) for b in loader]
    half = iter(loader)
    next(half)                                   # abandon a pass half-way
    second = [b[0].tolist() for b in loader]
    third = [tuple(b[1].tolist()) for b in loader]
    assert second == [[0, 1, 2], [3, 4, 5]] and first == third
    loader._iterator._shutdown()


class MissingKey(Dataset):
    def __getitem__(self, i):
        return {}["k"]

    def __len__(self):
        return 2


def test_worker_key_error_message_reads_as_text_and_persistent_loader_recovers():
    loader = DataLoader(MissingKey(), num_workers=1, persistent_workers=True)
    with pytest.raises(KeyError) as e:
        next(iter(loader))
    assert "Original Traceback (most recent call last):\n" in str(e.value)
    dying = DataLoader(DiesAt(1), num_workers=1, persistent_workers=True)
    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        list(dying)
    with pytest.raises(RuntimeError, match="exited unexpectedly"):   # fresh workers, same end
        list(dying)
    loader._iterator._shutdown()
