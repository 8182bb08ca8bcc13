"""The model layer: pure computations on the course tables, one module per topic."""
