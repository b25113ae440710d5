"""Reference solutions to the exercises, one module per notebook. Peek only after trying."""
