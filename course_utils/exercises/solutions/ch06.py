"""Solutions to the exercises of ``06_architectures.ipynb``."""

separable_saving = (9 * 64 * 128) / (9 * 64 + 64 * 128)
dense_channels = 16 + 4 * 12
residual_block = ((64, 7, 7), True)
