"""Solutions to the exercises of ``05_training_from_scratch.ipynb``."""

import torch
import torch.nn.functional as F


def train_one_epoch(model, optimizer, images, labels, batch_size):
    """Exercise 1: one shuffled pass over the data; the mean of the batch losses.

    Parameters
    ----------
    model : object
    optimizer : object
    images : object
    labels : object
    batch_size : object
    """
    model.train()
    order = torch.randperm(len(labels))
    losses = []
    for start in range(0, len(labels), batch_size):
        batch = order[start:start + batch_size]
        loss = F.cross_entropy(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)


def accuracy(model, images, labels, batch_size):
    """Exercise 2: the share of right answers, in evaluation mode and without gradients.

    Parameters
    ----------
    model : object
    images : object
    labels : object
    batch_size : object
    """
    model.eval()
    right = 0
    with torch.no_grad():
        for start in range(0, len(labels), batch_size):
            scores = model(images[start:start + batch_size])
            right += (scores.argmax(1) == labels[start:start + batch_size]).sum().item()
    return right / len(labels)


safe_augmentations = {"shift", "small_rotation", "zoom"}
steps = (4500 // 64) * 10
early_stopping = (7, 5)
