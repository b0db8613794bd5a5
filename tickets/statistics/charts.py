"""Charts drawn on the server as SVG: vertical bars (one or more series), a line, horizontal bars. Each has
a <title> and a <desc> named by aria-labelledby, axis labels, and colours that read on white (contrast
above 4.5:1); the table that follows it holds the same figures for screen readers. No script."""

from django.utils.html import format_html, format_html_join

# Dark blue, dark orange, dark green: each above 4.5:1 on white, and told apart by more than hue in the legend.
COLOURS = ["#1f4e79", "#a84300", "#2d6a2d"]
TEXT = "#222222"
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 64


def _nice_max(value):
    """A round top for the value axis: 1, 2, 5, 10, 20, 50…"""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def _frame(chart_id, title, desc, height, body):
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" viewBox="0 0 {w} {h}"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title><desc id="{id}-desc">'
        '{desc}</desc><text x="{x}" y="20" font-size="15" font-weight="bold" fill="{text}">{title}</text>'
        "{body}</svg>",
        id=chart_id,
        w=WIDTH,
        h=height,
        title=title,
        desc=desc,
        x=LEFT,
        text=TEXT,
        body=body,
    )


def _value_axis(top_value, plot_height, unit=""):
    """The value axis at the left, with 0, the half and the top."""
    ticks = []
    for fraction in (0, 0.5, 1):
        y = TOP + plot_height * (1 - fraction)
        ticks.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#767676" stroke-width="{sw}"/>'
                '<text x="{tx}" y="{ty}" font-size="12" text-anchor="end" fill="{text}">{label}</text>',
                x1=LEFT,
                x2=WIDTH - RIGHT,
                y=round(y, 1),
                sw=1 if fraction == 0 else 0.5,
                tx=LEFT - 6,
                ty=round(y + 4, 1),
                text=TEXT,
                label=_number(top_value * fraction) + unit,
            )
        )
    return format_html_join("", "{}", ((tick,) for tick in ticks))


def _category_labels(labels, slot, plot_height):
    """The labels under the bars, one in every few when they would overlap."""
    every = max(1, -(-len(labels) * 70 // (WIDTH - LEFT - RIGHT)))
    return format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="' + TEXT + '">{}</text>',
        (
            (round(LEFT + slot * (index + 0.5), 1), TOP + plot_height + 18, label)
            for index, label in enumerate(labels)
            if index % every == 0
        ),
    )


def _legend(names, y):
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}" font-size="12" fill="'
        + TEXT
        + '">{}</text>',
        (
            (LEFT + index * 180, y, COLOURS[index % len(COLOURS)], LEFT + index * 180 + 18, y + 11, name)
            for index, name in enumerate(names)
        ),
    )


def bars(chart_id, title, desc, labels, series, unit=""):
    """Vertical bars: ``series`` is [(name, [value per label])], drawn side by side in each slot."""
    plot_height = HEIGHT - TOP - BOTTOM
    top_value = _nice_max(max((v for _name, values in series for v in values if v is not None), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = slot * 0.8 / max(len(series), 1)
    rects = []
    for s_index, (_name, values) in enumerate(series):
        for index, value in enumerate(values):
            height = plot_height * (value or 0) / top_value
            rects.append(
                (
                    round(LEFT + slot * index + slot * 0.1 + width * s_index, 1),
                    round(TOP + plot_height - height, 1),
                    round(max(width - 1, 1), 1),
                    round(height, 1),
                    COLOURS[s_index % len(COLOURS)],
                )
            )
    body = format_html(
        "{}{}{}{}",
        _value_axis(top_value, plot_height, unit),
        format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', rects),
        _category_labels(labels, slot, plot_height),
        _legend([name for name, _values in series], HEIGHT - 24) if len(series) > 1 else "",
    )
    return _frame(chart_id, title, desc, HEIGHT, body)


def line(chart_id, title, desc, labels, values, name):
    """One line of ``values`` over ``labels``, with a dot on each point."""
    plot_height = HEIGHT - TOP - BOTTOM
    top_value = _nice_max(max(values, default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    points = [
        (round(LEFT + slot * (index + 0.5), 1), round(TOP + plot_height * (1 - value / top_value), 1))
        for index, value in enumerate(values)
    ]
    body = format_html(
        '{}<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>{}{}{}',
        _value_axis(top_value, plot_height),
        COLOURS[0],
        " ".join(f"{x},{y}" for x, y in points),
        format_html_join("", '<circle cx="{}" cy="{}" r="3" fill="' + COLOURS[0] + '"/>', points),
        _category_labels(labels, slot, plot_height),
        _legend([name], HEIGHT - 24),
    )
    return _frame(chart_id, title, desc, HEIGHT, body)


def horizontal_bars(chart_id, title, desc, labels, values, unit=""):
    """One bar per label, the label on its left: for rankings (categories, subjects, services)."""
    row, label_width = 26, 260
    height = TOP + row * max(len(labels), 1) + 16
    top_value = _nice_max(max((v for v in values if v is not None), default=0))
    span = WIDTH - label_width - RIGHT - 60
    rows = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + row * index
        length = round(span * (value or 0) / top_value, 1)
        shown = label if len(label) <= 40 else label[:39] + "…"
        rows.append(
            format_html(
                '<text x="{lx}" y="{ty}" font-size="12" text-anchor="end" fill="{text}">{label}</text>'
                '<rect x="{bx}" y="{y}" width="{length}" height="{bh}" fill="{colour}"/>'
                '<text x="{vx}" y="{ty}" font-size="12" fill="{text}">{value}</text>',
                lx=label_width - 8,
                ty=y + 15,
                text=TEXT,
                label=shown,
                bx=label_width,
                y=y + 3,
                length=max(length, 1),
                bh=row - 8,
                colour=COLOURS[0],
                vx=round(label_width + max(length, 1) + 6, 1),
                value="—" if value is None else _number(value) + unit,
            )
        )
    return _frame(chart_id, title, desc, height, format_html_join("", "{}", ((r,) for r in rows)))
