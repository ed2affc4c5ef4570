"""DataLoader: batches from a dataset, in the main process or in worker processes.

The main process owns the order: it draws the indices of every batch from the sampler and
hands them out round-robin to the workers, then returns the answers in that same order. So
for a given seed the batches are the same with 0 and with N workers. A worker error is
re-raised here with the worker's traceback; a worker that dies (or a `timeout` that passes)
raises RuntimeError instead of waiting forever.
"""
from __future__ import annotations

import itertools
import math
import multiprocessing
import pickle
import queue
import time

from ..._core.generator import default_generator
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .fetch import make_fetcher
from .sampler import BatchSampler, InfiniteConstantSampler, RandomSampler, SequentialSampler
from .worker import ExceptionWrapper, WorkerDone, worker_loop

POLL_SECONDS = 0.1         # how often the main process checks on its workers while waiting
_FROZEN = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
           "persistent_workers")


class DataLoader:
    """Iterates over batches of `dataset` (see torch.utils.data.DataLoader for the options)."""

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True):
        if num_workers < 0:
            raise ValueError("DataLoader: num_workers option should be non-negative; use "
                             "num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError(f"DataLoader: timeout option should be non-negative (got {timeout})")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("DataLoader: prefetch_factor option could only be specified in "
                             "multiprocessing. Let num_workers > 0 to enable multiprocessing, "
                             "otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("DataLoader: prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
        if isinstance(dataset, IterableDataset):
            for name, value in (("shuffle", shuffle), ("sampler", sampler),
                                ("batch_sampler", batch_sampler)):
                if value not in (None, False):
                    raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                     f"{name} option, but got {name}={value}")
        else:
            shuffle = bool(shuffle)
            if sampler is not None and shuffle:
                raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None option disables auto-batching and "
                             "is mutually exclusive with drop_last")
        if sampler is None:
            if isinstance(dataset, IterableDataset):
                sampler = InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        settings = dict(dataset=dataset, batch_size=batch_size, sampler=sampler,
                        batch_sampler=batch_sampler, drop_last=drop_last,
                        persistent_workers=persistent_workers)
        for key, value in settings.items():
            object.__setattr__(self, key, value)
        self.num_workers, self.timeout = num_workers, timeout
        self.prefetch_factor = prefetch_factor
        self.collate_fn = collate_fn or (default_collate if self._auto_collation
                                         else default_convert)
        self.pin_memory, self.pin_memory_device = pin_memory, pin_memory_device  # CPU: no-op
        self.worker_init_fn, self.generator, self.in_order = worker_init_fn, generator, in_order
        self.multiprocessing_context = multiprocessing_context
        self._iterator = None

    def __setattr__(self, key, value):
        if key in _FROZEN:
            raise ValueError(f"DataLoader: {key} attribute should not be set after DataLoader "
                             f"is initialized")
        object.__setattr__(self, key, value)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is None:
                return length
            rounding = math.floor if self.drop_last else math.ceil
            return rounding(length / self.batch_size)
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if not self.persistent_workers:
            return _MultiProcessIter(self)
        if self._iterator is None or self._iterator._closed:   # none yet, or an error ended it
            self._iterator = _MultiProcessIter(self)
        else:
            self._iterator.reset(self)
        return self._iterator


class _BaseIter:
    """What both iterators share: a fresh pass over the index sampler, and the base seed
    drawn from the loader's generator (drawn with 0 workers too, so both consume it alike)."""

    def __init__(self, loader: DataLoader):
        self._start_pass(loader)

    def _start_pass(self, loader: DataLoader) -> None:
        self._loader = loader
        generator = loader.generator or default_generator
        self._base_seed = generator.integer(0, 1 << 63)
        self._sampler_iter = iter(loader._index_sampler)

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._loader)


class _SingleProcessIter(_BaseIter):
    def __init__(self, loader: DataLoader):
        super().__init__(loader)
        self._fetcher = make_fetcher(loader.dataset, loader._auto_collation, loader.collate_fn,
                                     loader.drop_last)

    def __next__(self):
        return self._fetcher.fetch(next(self._sampler_iter))


class _MultiProcessIter(_BaseIter):
    """Keeps prefetch_factor tasks per worker in flight and returns answers in task order."""

    def __init__(self, loader: DataLoader):
        super().__init__(loader)
        context = loader.multiprocessing_context or _default_context()
        if isinstance(context, str):
            context = multiprocessing.get_context(context)
        self._num_workers, self._epoch, self._closed = loader.num_workers, 0, False
        self._result_queue, self._done = context.Queue(), context.Event()
        self._index_queues, self._workers = [], []
        for worker_id in range(self._num_workers):
            index_queue = context.Queue()
            index_queue.cancel_join_thread()
            worker = context.Process(
                target=worker_loop, daemon=True,
                args=(loader.dataset, index_queue, self._result_queue, self._done,
                      loader._auto_collation, loader.collate_fn, loader.drop_last,
                      self._base_seed, loader.worker_init_fn, worker_id, self._num_workers))
            worker.start()
            self._index_queues.append(index_queue)
            self._workers.append(worker)
        self._prefetch()

    def reset(self, loader: DataLoader) -> None:
        """Start a new pass with the same (persistent) workers."""
        self._start_pass(loader)
        self._epoch += 1
        self._prefetch()

    def _prefetch(self) -> None:
        self._sent = self._received = 0
        self._pending = {}              # task index -> [worker id] or [worker id, answer]
        self._active = [True] * self._num_workers
        self._turn = itertools.cycle(range(self._num_workers))
        for _ in range(self._loader.prefetch_factor * self._num_workers):
            self._send_next_task()

    def _send_next_task(self) -> None:
        for _ in range(self._num_workers):
            worker_id = next(self._turn)
            if self._active[worker_id]:
                break
        else:
            return
        try:
            indices = next(self._sampler_iter)
        except StopIteration:
            return
        self._index_queues[worker_id].put((self._epoch, self._sent, indices))
        self._pending[self._sent] = [worker_id]
        self._sent += 1

    def __next__(self):
        if self._closed:                # a worker died or timed out: this pass is over
            raise StopIteration
        while True:
            self._skip_tasks_of_finished_workers()
            if self._received == self._sent:
                if not self._loader.persistent_workers:
                    self._shutdown()
                raise StopIteration
            entry = self._pending[self._received]
            if len(entry) == 1:
                task_index, answer = self._receive()
                if isinstance(answer, WorkerDone):
                    self._active[answer.worker_id] = False
                    self._pending.pop(task_index, None)
                    continue
                if task_index not in self._pending:     # skipped: its worker had finished
                    continue
                self._pending[task_index].append(answer)
                if task_index != self._received:
                    continue
            answer = self._pending.pop(self._received)[1]
            self._received += 1
            self._send_next_task()
            if isinstance(answer, ExceptionWrapper):
                answer.reraise()
            return answer

    def _skip_tasks_of_finished_workers(self) -> None:
        while self._received < self._sent:
            entry = self._pending.get(self._received)
            if entry is not None and (len(entry) == 2 or self._active[entry[0]]):
                return
            self._pending.pop(self._received, None)
            self._received += 1

    def _receive(self):
        """The next answer of this pass; raises if a worker died or the timeout passed."""
        timeout = self._loader.timeout
        deadline = time.monotonic() + timeout if timeout else None
        while True:
            wait = POLL_SECONDS if deadline is None else min(POLL_SECONDS,
                                                             deadline - time.monotonic())
            try:
                epoch, task_index, blob = self._result_queue.get(timeout=max(wait, 0.0))
            except queue.Empty:
                self._check_workers_alive()
                if deadline is not None and time.monotonic() >= deadline:
                    self._shutdown(grace=0.0)
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds")
                continue
            if epoch == self._epoch:
                return task_index, pickle.loads(blob)

    def _check_workers_alive(self) -> None:
        dead = [w for w in self._workers if not w.is_alive()]
        if dead:
            described = ", ".join(f"pid {w.pid}, exit code {w.exitcode}" for w in dead)
            self._shutdown(grace=0.0)
            raise RuntimeError(f"DataLoader worker ({described}) exited unexpectedly")

    def _shutdown(self, grace: float = 1.0) -> None:
        """Stop the workers: ask politely, wait up to `grace` seconds in all, then terminate."""
        if self._closed:
            return
        self._closed = True
        self._done.set()
        for index_queue in self._index_queues:
            try:
                index_queue.put(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + grace
        for worker in self._workers:
            worker.join(timeout=max(deadline - time.monotonic(), 0.0))
            if worker.is_alive():
                worker.terminate()
                worker.join()
        for q in self._index_queues + [self._result_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        if getattr(self, "_workers", None) is not None:
            self._shutdown()


def _default_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")
