"""torsh.utils.data: datasets, samplers, collation and the DataLoader, as torch.utils.data.

One job per module: `dataset` (what holds samples), `sampler` (which indices, in which
order), `collate` (how samples become a batch), `fetch` (one batch from indices),
`worker` (the loop a worker process runs) and `dataloader` (the iterator that ties them).
"""
from .collate import default_collate, default_convert  # noqa: F401
from .dataloader import DataLoader  # noqa: F401
from .dataset import (ChainDataset, ConcatDataset, Dataset, IterableDataset,  # noqa: F401
                      StackDataset, Subset, TensorDataset, random_split)
from .sampler import (BatchSampler, RandomSampler, Sampler, SequentialSampler,  # noqa: F401
                      SubsetRandomSampler, WeightedRandomSampler)
from .worker import WorkerInfo, get_worker_info  # noqa: F401
