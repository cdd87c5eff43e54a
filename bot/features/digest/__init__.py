"""The weekly engagement digest: numbers managers act on, in the channel, on demand and on a schedule."""
