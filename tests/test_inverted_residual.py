"""InvertedResidual (notebook 06) against torchvision's MobileNetV2 block of the same shape."""

import pytest
import torch
from torchvision.models.mobilenetv2 import InvertedResidual as TorchvisionBlock

from course_utils.models import InvertedResidual, count_macs, count_parameters
from course_utils.validation import InputError


@pytest.mark.parametrize("c_in, c_out, stride, expand", [
    (16, 16, 1, 6),   # shapes agree: the skip connection is there
    (16, 24, 2, 6),   # stride 2, wider: no skip
    (32, 16, 1, 1),   # no expansion layer (MobileNetV2's first block)
    (24, 24, 1, 4),
])
def test_matches_torchvision_block(c_in, c_out, stride, expand):
    torch.manual_seed(0)
    ours, theirs = InvertedResidual(c_in, c_out, stride, expand), TorchvisionBlock(c_in, c_out,
                                                                                   stride, expand)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert count_parameters(ours) == count_parameters(theirs)
    assert count_macs(ours, (c_in, 14, 14)) == count_macs(theirs, (c_in, 14, 14))
    assert ours.use_res_connect == theirs.use_res_connect == (stride == 1 and c_in == c_out)
    for module in theirs.modules():   # non-trivial batch-norm statistics
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(2, c_in, 15, 15)
    ours.eval(), theirs.eval()
    with torch.no_grad():
        out = ours(x)
        assert out.shape == (2, c_out, -(-15 // stride), -(-15 // stride))
        assert torch.allclose(out, theirs(x), atol=1e-5)


def test_bad_arguments_and_inputs_say_what_to_do():
    with pytest.raises(InputError, match="stride must be an int in \\[1, 2\\], got 3"):
        InvertedResidual(8, 8, stride=3)
    with pytest.raises(InputError, match="expand must be an int"):
        InvertedResidual(8, 8, expand=0)
    with pytest.raises(ValueError, match=r"expects \(B, 8, H, W\), got \(1, 3, 8, 8\)"):
        InvertedResidual(8, 8)(torch.zeros(1, 3, 8, 8))
