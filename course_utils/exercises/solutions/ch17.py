"""Solutions to the exercises of ``17_keras_and_pytorch.ipynb``."""


def conv_kernel_to_keras(weight):
    """(out, in, kh, kw) -> (kh, kw, in, out): the same numbers, axes reordered.

    Parameters
    ----------
    weight : object
    """
    return weight.permute(2, 3, 1, 0)


def dense_to_keras(weight, channels, height, width):
    """(out, C*H*W) in PyTorch's flattening order -> (H*W*C, out) in Keras's.

    Parameters
    ----------
    weight : object
    channels : object
    height : object
    width : object
    """
    out = weight.shape[0]
    return weight.view(out, channels, height, width).permute(0, 2, 3, 1).reshape(out, -1).t()


conv_parameters = 5 * 5 * 32 * 64 + 64
