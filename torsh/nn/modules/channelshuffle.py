"""ChannelShuffle: F.channel_shuffle as a layer."""
from __future__ import annotations

from ..functional.shuffle import channel_shuffle
from ..module import Module


class ChannelShuffle(Module):
    """Read the channels as (groups, C / groups) and transpose them."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self.groups = groups

    def forward(self, input):
        return channel_shuffle(input, self.groups)

    def extra_repr(self) -> str:
        return f"groups={self.groups}"


__all__ = ["ChannelShuffle"]
