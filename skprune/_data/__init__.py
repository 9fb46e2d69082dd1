"""Where the training rows live: the data-source protocol, in memory or on dask."""
