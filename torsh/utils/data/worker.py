"""The worker side of a multi-process DataLoader: the loop each worker process runs, the
WorkerInfo it exposes through get_worker_info(), and how its errors travel to the main process.

A worker reads tasks (epoch, task index, batch indices) from its own queue and answers
(epoch, task index, pickled result) on the shared result queue. It pickles the result itself,
so an unpicklable batch becomes an error message instead of a lost answer (and a hang). A
worker stops on a None task, when the `done` event is set, or when its parent process is gone.
"""
from __future__ import annotations

import os
import pickle
import queue
import random
import traceback

import numpy
import numpy.random     # imported before any fork: importing in a forked child can deadlock

from ..._core.generator import manual_seed
from .fetch import IterableFetcher, make_fetcher

POLL_SECONDS = 0.2       # how often a waiting worker checks that its parent is still alive

_worker_info = None


class WorkerInfo:
    """What a worker knows about itself: id, num_workers, seed and its copy of the dataset."""

    def __init__(self, **fields):
        for key, value in fields.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, key, value):
        raise RuntimeError(f"Cannot assign attributes to {type(self).__name__} objects")

    def __repr__(self) -> str:
        return (f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, "
                f"dataset={self.dataset!r})")


def get_worker_info():
    """The WorkerInfo inside a DataLoader worker process; None in the main process."""
    return _worker_info


class WorkerDone:
    """An iterable dataset's worker has no samples left for this epoch."""

    def __init__(self, worker_id: int):
        self.worker_id = worker_id


class ExceptionWrapper:
    """An exception caught in a worker: its type and formatted traceback, re-raised by the
    main process with the traceback in the message."""

    def __init__(self, error: BaseException, where: str):
        self.exc_type = type(error)
        try:
            pickle.dumps(self.exc_type)
        except Exception:           # a class the main process could not look up
            self.exc_type = RuntimeError
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.message = f"Caught {type(error).__name__} {where}.\nOriginal {trace}"

    def reraise(self):
        message = self.message
        if self.exc_type is KeyError:       # KeyError would print the message as a repr
            message = _PlainRepr(message)
        try:
            error = self.exc_type(message)
        except Exception:           # an exception type that takes other arguments
            raise RuntimeError(self.message) from None
        raise error


class _PlainRepr(str):
    def __repr__(self) -> str:
        return str(self)


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    manual_seed(seed)
    numpy.random.seed(seed % (1 << 32))


def worker_loop(dataset, index_queue, result_queue, done, auto_collation, collate_fn,
                drop_last, base_seed, init_fn, worker_id, num_workers):
    """Answer tasks until a None task arrives, the `done` event is set or the parent process
    disappears (the event works even where the queue could not deliver the None)."""
    global _worker_info
    seed = base_seed + worker_id
    _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed,
                              dataset=dataset)
    where = f"in DataLoader worker process {worker_id}"
    init_error = None
    try:
        _seed_everything(seed)
        if init_fn is not None:
            init_fn(worker_id)
    except Exception as error:
        init_error = ExceptionWrapper(error, where)
    parent, fetcher, epoch = os.getppid(), None, None
    while True:
        try:
            task = index_queue.get(timeout=POLL_SECONDS)
        except queue.Empty:
            if done.is_set() or os.getppid() != parent:
                break
            continue
        if task is None or done.is_set():
            break
        task_epoch, task_index, indices = task
        if task_epoch != epoch:             # a new pass: iterable datasets start over
            epoch, fetcher = task_epoch, None
        result = init_error
        if result is None:
            try:
                if fetcher is None:
                    fetcher = make_fetcher(dataset, auto_collation, collate_fn, drop_last)
                result = fetcher.fetch(indices)
            except StopIteration as error:
                exhausted = isinstance(fetcher, IterableFetcher)
                result = WorkerDone(worker_id) if exhausted else ExceptionWrapper(error, where)
            except Exception as error:
                result = ExceptionWrapper(error, where)
        result_queue.put((task_epoch, task_index, _pickled(result, where)))
        del result
    result_queue.cancel_join_thread()   # the main process no longer reads: do not wait on it


def _pickled(result, where: str) -> bytes:
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        return pickle.dumps(ExceptionWrapper(error, where + " (pickling the batch)"))
