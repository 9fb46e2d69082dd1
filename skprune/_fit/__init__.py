"""How a fit runs: configuration, solvers, recipes, the loop, callbacks."""
