"""Notebook 04's weight panel: the model's weights, each beside its full name, its two switches,
and the student's commitment, shared by every view of the model (otslab.views.readiness)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import ipywidgets as w
import pandas as pd
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLStyle

from otslab.data import Tables
from otslab.model import feasibility as fz
from otslab.model import record as rec
from otslab.views.markup import html
from otslab.views.widgets import button

UNSURE_LABEL = "Count commitments not in force (signed only, or entry into force not established)"
"""The control that lets commitments not in force weigh; off by default."""


def state_names(countries: pd.DataFrame) -> dict[str, str]:
    """Country id -> short name (without a parenthesised abbreviation)."""
    return {r.country_id: fz.short_name(r.name) for r in countries.itertuples()}


def names_list(ids: list[str], names: dict[str, str]) -> str:
    """State names joined with commas and a final 'and'."""
    shown = [names[c] for c in ids]
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else "".join(shown)


def weight_label(name: str, factors: pd.DataFrame) -> str:
    """The full words a weight's control carries: the factor's id and name, or the clash effect."""
    named = factors.set_index("factor_id")["name"]
    if name in named.index:
        return f"{name} {named[name]}"
    return f"Each clash whose commitment {name}"


class WeightPanel:
    """The model's weights, its not-in-force control and the student's commitment, for all views."""

    def __init__(self, tables: Tables, path: Path | None = None, commitment: dict | None = None):
        self.tables = tables
        self.path = path
        """Where the student's commitment is kept (otslab.course.commitment reads and writes it)."""
        self.commitment = commitment
        """The student's committed weights and reason, None before the first commit."""
        self.clashes, in_force = fz.model(tables)
        states = list(in_force.index.get_level_values("country").unique())
        group = fz.ots_states(tables.countries, include_observers=True)  # as fz.model counts
        unsure = fz.coefficients(tables.scenarios, tables.factors, self.clashes, group, True)
        self._coefs = {False: in_force, True: unsure}  # the clashes are worked out once
        self.evidence = rec.state_evidence(tables, self.clashes, states)
        self.practice = rec.record_practice(tables, states)
        self.floors = rec.record_floor(self.practice, states)
        self.names = state_names(tables.countries)
        self.defaults = fz.default_weights(tables.factors)
        self.robust: dict[tuple, dict] = {}  # robustness per (control, group): see group_robustness
        self._rung_clashes: dict[bool, pd.DataFrame] = {}
        self.weight_inputs = weight_inputs(self.defaults)
        self.unsure = w.Checkbox(value=False, description=UNSURE_LABEL, indent=False)
        self.unsure.layout.width = "auto"
        self.observers = w.Checkbox(
            value=False, description="Observers must agree too", indent=False
        )
        self.reset = button("Reset weights", "undo")
        self.reset.on_click(lambda _b: self.set_weights(self.defaults))
        self._listeners: list[Callable[[], None]] = []
        self._quiet = False
        for control in [*self.weight_inputs.values(), self.observers, self.unsure]:
            control.observe(lambda _c: self._changed(), names="value")

    @property
    def coefs(self) -> pd.DataFrame:
        """The model's coefficients: commitments in force only, unless the control says more."""
        return self._coefs[bool(self.unsure.value)]

    def rung_clashes(self) -> pd.DataFrame:
        """fz.rung_clashes for every state, of the commitments that bind under the control."""
        key = bool(self.unsure.value)
        if key not in self._rung_clashes:
            binding = fz.binding(self.clashes, key)
            states = list(self.floors.index)
            self._rung_clashes[key] = fz.rung_clashes(self.tables.scenarios, binding, states)
        return self._rung_clashes[key]

    def weights(self) -> pd.Series:
        """The weights the controls show now."""
        return pd.Series({name: s.value for name, s in self.weight_inputs.items()}, dtype=float)

    def ready(self) -> pd.DataFrame:
        """Readiness under the weights set now, above each state's record (NaN at or below it)."""
        return fz.above_record(fz.readiness(self.coefs, self.weights()), self.floors)

    def group(self) -> list[str]:
        """The states that must all agree: OTS members, plus observers when ticked."""
        return fz.ots_states(self.tables.countries, include_observers=self.observers.value)

    def judged_group(self) -> list[str]:
        """The states of the group with enough evidence to judge (see rec.state_evidence)."""
        return [c for c in self.group() if bool(self.evidence.loc[c, "judged"])]

    def committed(self) -> dict | None:
        """The student's committed weights and reason, or None before the first commit."""
        return self.commitment

    def set_weights(self, weights: dict[str, float] | pd.Series) -> None:
        """Set several weights at once and redraw the views once."""
        self._quiet = True
        try:
            for name, value in dict(weights).items():
                self.weight_inputs[name].value = value
        finally:
            self._quiet = False
        self._changed()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Call listener whenever a weight, the group or the commitment changes."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        """Tell every view to redraw (unless several weights are being set together)."""
        if not self._quiet:
            for listener in self._listeners:
                listener()

    def controls(self) -> w.Box:
        """The weight controls with their full names, in three groups, and the two switches."""
        return w.VBox(
            [
                weight_columns(self.weight_inputs, self.tables.factors),
                self.unsure,
                w.HBox([self.observers, self.reset]),
            ]
        )


def weight_input(
    name: str,
    value: float,
    layout: w.Layout | None = None,
    style: DescriptionStyle | None = None,
) -> w.Dropdown:
    """A weight chosen from its grid in a dropdown labelled with its name, which a screen reader
    speaks (ipywidgets' slider handles carry no name); its full name is the label beside it.

    A layout and style given are shared (as `weight_inputs` does), not copied."""
    grid = fz.weight_grid(name)
    return w.Dropdown(
        options=[(f"{v:.1f}", v) for v in grid],
        value=min(grid, key=lambda v: abs(v - value)),
        description=name,
        style=style or {"description_width": "initial"},
        layout=layout or {"width": "max-content"},
    )


def weight_inputs(values: Mapping[str, float] | pd.Series) -> dict[str, w.Dropdown]:
    """A weight_input for each weight, all with one layout and one style.

    Layouts and styles are widgets of their own, each sent to the page when made: shared, the
    twenty controls make 22 widgets instead of 60 (ipywidgets lets views share a layout).
    """
    layout = w.Layout(width="max-content")
    style = DescriptionStyle(description_width="initial")
    return {name: weight_input(name, value, layout, style) for name, value in values.items()}


def weight_columns(inputs: dict[str, w.Dropdown], factors: pd.DataFrame) -> w.HBox:
    """Drivers, constraints and clash effects in groups, each weight beside its full name.

    The labels share one layout and one style, and the rows one layout (see `weight_inputs`).
    """
    direction = factors.set_index("factor_id")["direction"].astype(str)
    named = factors.set_index("factor_id")["name"]
    label_layout = w.Layout(width="250px", margin="0 0 0 4px")
    label_style = HTMLStyle()
    row_layout = w.Layout(align_items="center")

    def labelled(name: str) -> w.HBox:
        words = f"{name} {named[name]}" if name in named.index else weight_label(name, factors)
        label = w.HTML(
            html("<div style='font-size:90%;line-height:1.2'>{}</div>", words),
            layout=label_layout,
            style=label_style,
        )
        # The full name beside the control, not above it: the panel takes half the height.
        return w.HBox([inputs[name], label], layout=row_layout)

    def column(title: str, names: list[str]) -> w.VBox:
        return w.VBox([w.HTML(html("<b>{}</b>", title)), *(labelled(n) for n in names)])

    drivers = [n for n in direction.index if direction[n] == "driver"]
    constraints = [n for n in direction.index if direction[n] == "constraint"]
    left = column("Drivers: push up the ladder", drivers)
    left.children += (column("Clashes with commitments: each one counts", list(fz.CLASH_WEIGHTS)),)
    right = column("Constraints: hold back, more on higher rungs", constraints)
    right.layout.margin = "0 0 0 24px"
    return w.HBox([left, right], layout={"flex_flow": "row wrap"})
