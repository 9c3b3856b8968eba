"""Memory: what each mockup of a profiled run held, when, and where in the code."""

import streamlit as st

from dashboard import cached, guard, memory_view, resources, state, widgets
from dashboard.text import template_names

st.header("Memory")
# The live panel's leak link opens this page at one run's mockup: ?run=<folder>&mockup=<n>
linked_run = widgets.run_named(st.query_params.get("run"))
linked_mockup = st.query_params.get("mockup", "")
if st.query_params.get("run") and linked_run is None:
    st.info("That run is still rendering or is gone; its profile appears here once it ends.")
run_dir = memory_view.chosen_run(linked_run or state.current_run())
if run_dir is None:
    st.stop()

with guard.shown_errors("Reading the profile"):
    profiled = cached.profiled_run(run_dir)
    budget = memory_view.budget_or_none()
    suspects = memory_view.standout_leaks(profiled)
    standout = {suspect.index for suspect in suspects}
    names = template_names({m.template for m in profiled.mockups}, resources.template_library())
    memory_view.headline(profiled, budget)
    memory_view.explanation(profiled, budget, suspects, names)
    memory_view.per_mockup(profiled, names, standout)
    memory_view.over_time(profiled, names, budget)
    linked = int(linked_mockup) if linked_mockup.isdigit() and run_dir == linked_run else None
    # opened on the mockup the link asks for, else the one "Next:" names
    asked = linked if linked is not None else memory_view.named_mockup(profiled, suspects)
    leak = linked is not None or bool(suspects)
    index = memory_view.where_the_memory_was(profiled, names, asked, leak_asked=leak)
    memory_view.flame_graph(run_dir, profiled, index, names)
