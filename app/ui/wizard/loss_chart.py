"""A small line chart of training and validation loss by step, painted with QPainter.

PySide6-Essentials has no QtCharts (it comes with the Addons wheel, 100+ MB), and two lines over a few
hundred points need nothing of it: axes from 0 to the run's steps and from the lowest to the highest loss
seen, the training loss as a line, the validation loss as a line with dots, and a legend.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

TRAIN_COLOR = QColor("#2f6fde")
VALIDATION_COLOR = QColor("#e07a1f")


class LossChart(QWidget):
    """Training (``add``) and validation points by step; :meth:`clear` starts over."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.train: list[tuple[int, float]] = []
        self.validation: list[tuple[int, float]] = []
        self.steps = 0
        self.setMinimumHeight(160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Loss curve"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(480, 200)

    def clear(self) -> None:
        self.train.clear()
        self.validation.clear()
        self.steps = 0
        self.update()

    def add(self, step: int, steps: int, loss: float | None, val_loss: float | None) -> None:
        self.steps = max(self.steps, steps)
        if loss is not None:
            self.train = [p for p in self.train if p[0] < step] + [(step, loss)]
        if val_loss is not None:
            self.validation = [p for p in self.validation if p[0] < step] + [(step, val_loss)]
        self.setAccessibleDescription(self.tr("Step {0} of {1}").format(step, self.steps))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().text().color()
        metrics = painter.fontMetrics()
        left, bottom = metrics.horizontalAdvance("00.00") + 10, metrics.height() + 8
        area = QRectF(left, 8 + metrics.height(), self.width() - left - 12, self.height() - bottom - 16 - metrics.height())
        painter.setPen(QPen(text, 1))
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        painter.drawLine(area.bottomLeft(), area.topLeft())
        values = [v for _, v in self.train + self.validation]
        if not values or area.width() <= 0 or area.height() <= 0:
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("The loss appears here while training."))
            return
        low, high = min(values), max(values)
        if high - low < 1e-6:
            low, high = low - 0.5, high + 0.5
        steps = max(self.steps, max(s for s, _ in self.train + self.validation), 1)

        def at(step: int, value: float) -> QPointF:
            return QPointF(area.left() + area.width() * step / steps,
                           area.bottom() - area.height() * (value - low) / (high - low))

        for value in (low, (low + high) / 2, high):
            y = at(0, value).y()
            painter.drawText(QRectF(0, y - metrics.height() / 2, left - 6, metrics.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{value:.2f}")
        painter.drawText(QRectF(area.left(), area.bottom() + 4, area.width(), metrics.height()),
                         Qt.AlignmentFlag.AlignRight, self.tr("step {0}").format(steps))
        for points, color, dots in ((self.train, TRAIN_COLOR, False), (self.validation, VALIDATION_COLOR, True)):
            if not points:
                continue
            path = QPainterPath(at(*points[0]))
            for point in points[1:]:
                path.lineTo(at(*point))
            painter.setPen(QPen(color, 2))
            painter.drawPath(path)
            if dots:
                painter.setBrush(color)
                for point in points:
                    painter.drawEllipse(at(*point), 3, 3)
        x = area.left() + 8
        for label, color in ((self.tr("training loss"), TRAIN_COLOR), (self.tr("validation loss"), VALIDATION_COLOR)):
            painter.setPen(QPen(color, 3))
            painter.drawLine(QPointF(x, 6 + metrics.height() / 2), QPointF(x + 16, 6 + metrics.height() / 2))
            painter.setPen(QPen(text, 1))
            painter.drawText(QPointF(x + 20, 4 + metrics.ascent()), label)
            x += 36 + metrics.horizontalAdvance(label)
