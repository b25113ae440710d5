"""A small reader for TensorFlow Lite model files, written by hand (no TensorFlow needed).

Introduced in ``07_transfer_learning.ipynb``. A ``.tflite`` file is a FlatBuffer: a binary tree of
*tables* whose fields are found through a *vtable* of offsets. Only the few tables a quantized
convolutional network needs are read here: the model's buffers, its tensors (shape, type, name,
quantization) and its operators (type, inputs, outputs, padding, strides, activation).

The FlatBuffer rules used below, all little-endian:

- the file starts with a ``uint32`` offset to the root table; bytes 4..8 are the identifier
  ``TFL3``;
- a table at position ``t`` starts with an ``int32``: its vtable is at ``t - value``;
- a vtable is ``uint16`` words: its own size, the table's size, then one offset per field
  (0 means "field absent, use the default");
- a scalar field sits at ``t + offset``; a table, vector or string field holds a ``uint32``
  that points forward, relative to where it is stored;
- a vector (or string) is a ``uint32`` length followed by its elements.

The field numbers come from TensorFlow Lite's ``schema.fbs``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE_IDENTIFIER = b"TFL3"

# TensorType in schema.fbs -> NumPy dtype (only the types this course meets).
TENSOR_TYPES = {0: np.float32, 2: np.int32, 3: np.uint8, 4: np.int64, 9: np.int8}

# BuiltinOperator codes in schema.fbs -> names (the ones an image classifier uses).
OPERATORS = {
    0: "ADD", 1: "AVERAGE_POOL_2D", 2: "CONCATENATION", 3: "CONV_2D", 4: "DEPTHWISE_CONV_2D",
    6: "DEQUANTIZE", 9: "FULLY_CONNECTED", 14: "LOGISTIC", 17: "MAX_POOL_2D", 19: "RELU",
    21: "RELU6", 22: "RESHAPE", 25: "SOFTMAX", 40: "MEAN", 114: "QUANTIZE",
}
PADDINGS = {0: "SAME", 1: "VALID"}
ACTIVATIONS = {0: None, 1: "RELU", 2: "RELU_N1_TO_1", 3: "RELU6", 4: "TANH"}


class TFLiteFormatError(ValueError):
    """The bytes are not a TensorFlow Lite model this reader understands."""


class _Table:
    """One FlatBuffer table: ``buf`` is the whole file, ``pos`` where the table starts."""

    def __init__(self, buf: bytes, pos: int) -> None:
        if not 0 <= pos <= len(buf) - 4:
            raise TFLiteFormatError(f"table offset {pos} lies outside the {len(buf)}-byte file.")
        self.buf, self.pos = buf, pos
        self.vtable = pos - struct.unpack_from("<i", buf, pos)[0]
        if not 0 <= self.vtable <= len(buf) - 4:
            raise TFLiteFormatError(f"vtable offset {self.vtable} lies outside the file.")
        self.vtable_size = struct.unpack_from("<H", buf, self.vtable)[0]

    def _field(self, index: int) -> int:
        """Absolute position of field ``index``, or 0 if the field is absent."""
        entry = 4 + 2 * index
        if entry >= self.vtable_size:
            return 0
        offset = struct.unpack_from("<H", self.buf, self.vtable + entry)[0]
        return self.pos + offset if offset else 0

    def _follow(self, at: int) -> int:
        return at + struct.unpack_from("<I", self.buf, at)[0]

    def scalar(self, index: int, fmt: str, default: int | float = 0) -> int | float:
        at = self._field(index)
        return struct.unpack_from("<" + fmt, self.buf, at)[0] if at else default

    def table(self, index: int) -> _Table | None:
        at = self._field(index)
        return _Table(self.buf, self._follow(at)) if at else None

    def _vector(self, index: int) -> tuple[int, int]:
        """(position of the first element, length) of a vector field; (0, 0) if absent."""
        at = self._field(index)
        if not at:
            return 0, 0
        start = self._follow(at)
        length = struct.unpack_from("<I", self.buf, start)[0]
        return start + 4, length

    def array(self, index: int, dtype: type) -> np.ndarray:
        start, length = self._vector(index)
        itemsize = np.dtype(dtype).itemsize
        if start + length * itemsize > len(self.buf):
            raise TFLiteFormatError(
                f"a vector of {length} items at byte {start} runs past the end of the file "
                "(is the file truncated?)."
            )
        return np.frombuffer(self.buf, dtype=np.dtype(dtype).newbyteorder("<"), count=length,
                             offset=start) if length else np.zeros(0, dtype)

    def tables(self, index: int) -> list[_Table]:
        start, length = self._vector(index)
        return [_Table(self.buf, self._follow(start + 4 * i)) for i in range(length)]

    def string(self, index: int) -> str:
        return self.array(index, np.uint8).tobytes().decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Tensor:
    """A tensor of the model: its data (for weights) and how to turn integers into reals.

    ``real = scale * (q - zero_point)``; ``data`` is None for activations (no stored values).
    """

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: type
    scale: float | None
    zero_point: int | None
    data: np.ndarray | None

    def dequantize(self) -> np.ndarray:
        """Return the stored values as float32 reals, shaped as ``shape``."""
        if self.data is None:
            raise ValueError(f"tensor {self.name!r} holds no stored values (it is an activation).")
        values = self.data.reshape(self.shape).astype(np.float32)
        if self.scale is None:
            return values
        return np.float32(self.scale) * (values - np.float32(self.zero_point))


@dataclass(frozen=True)
class Operator:
    """One operator: its type, tensor indices and the options a convolution needs."""

    kind: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    padding: str | None = None
    stride: tuple[int, int] | None = None  # (height, width)
    activation: str | None = None


@dataclass(frozen=True)
class TFLiteModel:
    """What :func:`read_tflite` returns: tensors and operators of the first subgraph."""

    path: Path
    description: str
    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]

    def ops(self, *kinds: str) -> list[Operator]:
        """The operators of the given kinds, in execution order.

        Parameters
        ----------
        *kinds : str
        """
        return [op for op in self.operators if op.kind in kinds]


def _read_tensor(index: int, table: _Table, buffers: list[_Table]) -> Tensor:
    type_code = table.scalar(1, "b")
    if type_code not in TENSOR_TYPES:
        raise TFLiteFormatError(f"tensor {index} has TensorType {type_code}, not supported here.")
    dtype = TENSOR_TYPES[type_code]
    buffer_index = table.scalar(2, "I")
    data = buffers[buffer_index].array(0, np.uint8) if buffer_index < len(buffers) else None
    scale = zero_point = None
    quant = table.table(4)
    if quant is not None:
        scales, zeros = quant.array(2, np.float32), quant.array(3, np.int64)
        if len(scales) > 1:
            raise TFLiteFormatError(
                f"tensor {index} is quantized per channel ({len(scales)} scales); this reader "
                "handles per-tensor quantization only."
            )
        if len(scales) == 1:
            scale, zero_point = float(scales[0]), int(zeros[0]) if len(zeros) else 0
    return Tensor(
        index=index,
        name=table.string(3),
        shape=tuple(int(d) for d in table.array(0, np.int32)),
        dtype=dtype,
        scale=scale,
        zero_point=zero_point,
        data=data.view(dtype) if data is not None and data.size else None,
    )


def _read_operator(table: _Table, codes: list[int]) -> Operator:
    code = codes[table.scalar(0, "I")]
    kind = OPERATORS.get(code, f"BUILTIN_{code}")
    fields = {}
    options = table.table(4)
    if kind in ("CONV_2D", "DEPTHWISE_CONV_2D") and options is not None:
        # Conv2DOptions: padding, stride_w, stride_h, activation, ...
        # DepthwiseConv2DOptions: padding, stride_w, stride_h, depth_multiplier, activation, ...
        activation_field = 3 if kind == "CONV_2D" else 4
        fields = {
            "padding": PADDINGS[options.scalar(0, "b")],
            "stride": (options.scalar(2, "i", 1), options.scalar(1, "i", 1)),
            "activation": ACTIVATIONS.get(options.scalar(activation_field, "b")),
        }
    return Operator(kind, tuple(int(i) for i in table.array(1, np.int32)),
                    tuple(int(i) for i in table.array(2, np.int32)), **fields)


def _operator_code(table: _Table) -> int:
    # Newer files keep the code in field 3 (int32); older ones only in field 0 (int8).
    return max(table.scalar(0, "b"), table.scalar(3, "i"))


def read_tflite(path: str | Path) -> TFLiteModel:
    """Read the tensors and operators of a TensorFlow Lite file.

    Introduced in ``07_transfer_learning.ipynb``.

    Parameters
    ----------
    path : str or Path
        A ``.tflite`` file (for the course's own, use
        ``verified_path("imagenet-mobilenet-v2/mobilenet_v2_1.0_224_quant.tflite")``).

    Returns
    -------
    TFLiteModel
        ``tensors[i].data`` holds the raw stored values (uint8 weights, int32 biases) and
        ``tensors[i].scale`` / ``zero_point`` the per-tensor quantization.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    TFLiteFormatError
        If the file is not a TFLite model (wrong identifier, truncated, unsupported types); the
        message names the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No TFLite file at {path}.")
    buf = path.read_bytes()
    if len(buf) < 8 or buf[4:8] != FILE_IDENTIFIER:
        raise TFLiteFormatError(
            f"{path} is not a TensorFlow Lite model: bytes 4..8 are {buf[4:8]!r}, expected "
            f"{FILE_IDENTIFIER!r}. The file may be truncated or corrupted; restore it."
        )
    try:
        model = _Table(buf, struct.unpack_from("<I", buf, 0)[0])
        codes = [_operator_code(t) for t in model.tables(1)]
        subgraph = model.tables(2)[0]
        buffers = model.tables(4)
        tensors = tuple(_read_tensor(i, t, buffers) for i, t in enumerate(subgraph.tables(0)))
        operators = tuple(_read_operator(t, codes) for t in subgraph.tables(3))
        return TFLiteModel(
            path=path,
            description=model.string(3),
            tensors=tensors,
            operators=operators,
            inputs=tuple(int(i) for i in subgraph.array(1, np.int32)),
            outputs=tuple(int(i) for i in subgraph.array(2, np.int32)),
        )
    except (struct.error, IndexError, KeyError, TFLiteFormatError) as error:
        raise TFLiteFormatError(
            f"{path} could not be read as a TensorFlow Lite model ({error}). The file may be "
            "truncated or corrupted; restore it."
        ) from error
