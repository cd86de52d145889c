"""Chart geometry for the dashboards: inline SVG computed on the server, so the pages
work offline and without scripts."""

from __future__ import annotations

import math


def trend_chart(points: list[dict], target) -> dict | None:
    """Geometry of the daily chart: cumulative completion (line) and new per day (bars)."""
    if not points:
        return None
    width, height, left, right, top, bottom = 720, 260, 44, 44, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(points)
    max_new = max(p["new"] for p in points) or 1
    label_every = max(1, math.ceil(len(points) / 8))
    bars, dots, labels = [], [], []
    for i, p in enumerate(points):
        x = left + i * step
        bar_h = plot_h * p["new"] / max_new
        bars.append({"x": round(x + step * 0.2, 1), "y": round(top + plot_h - bar_h, 1),
                     "w": round(step * 0.6, 1), "h": round(bar_h, 1), "point": p})  # fmt: skip
        cx = x + step / 2
        cy = top + plot_h * (1 - float(p["rate"]) / 100)
        dots.append({"x": round(cx, 1), "y": round(cy, 1), "point": p})
        if i % label_every == 0 or i == len(points) - 1:
            labels.append({"x": round(cx, 1), "text": p["day"].strftime("%m-%d")})
    grid = [{"y": round(top + plot_h * (1 - v / 100), 1), "label": f"{v}%"} for v in (0, 25, 50, 75, 100)]
    target_y = round(top + plot_h * (1 - float(target) / 100), 1)
    return {
        "width": width, "height": height, "left": left, "right": width - right, "top": top,
        "bottom": top + plot_h, "bars": bars, "dots": dots, "labels": labels, "grid": grid,
        "line": " ".join(f"{d['x']},{d['y']}" for d in dots), "target_y": target_y, "target": target,
        "max_new": max_new, "label_y": top + plot_h + 18,
    }  # fmt: skip


def college_chart(rows: list[dict], target) -> dict | None:
    """Geometry of the per-college bar chart, rows already ranked."""
    if not rows:
        return None
    width, left, right, row_h, top = 720, 170, 60, 24, 8
    plot_w = width - left - right
    bars = []
    for i, row in enumerate(rows):
        y = top + i * row_h
        bar_w = plot_w * float(row["rate"]) / 100
        bars.append({"y": y + 4, "text_y": y + row_h / 2 + 4, "w": round(bar_w, 1),
                     "end": round(left + bar_w + 6, 1), "row": row,
                     "reached": row["rate"] >= target})  # fmt: skip
    height = top * 2 + row_h * len(rows)
    return {
        "width": width, "height": height, "left": left, "bars": bars, "bar_h": row_h - 8,
        "target_x": round(left + plot_w * float(target) / 100, 1), "target": target, "bottom": height - top,
    }  # fmt: skip


def sparkline(values, *, width: int = 80, height: int = 20) -> dict | None:
    """Geometry of a row's small bar chart: one bar per day, scaled to the row's own maximum."""
    values = list(values)
    if not values:
        return None
    step = width / len(values)
    top = max(values) or 1
    bars = []
    for i, n in enumerate(values):
        h = max(round(height * n / top, 1), 1 if n else 0)
        bars.append({"x": round(i * step + step * 0.15, 1), "y": round(height - h, 1), "w": round(step * 0.7, 1),
                     "h": h, "n": n})  # fmt: skip
    return {"width": width, "height": height, "bars": bars}
