"""Built-in templates rendered in 3D: `make scenes` (or `python -m scenes.blender`).

Each scene is a script under `studio/`, run by Blender's Python (the `bpy` wheel, in its own
virtual environment because it pins its own numpy): it models, lights and renders the scene
with Cycles on the CPU, denoised, and writes raw layers. `build` then turns those into a
template folder with the app's own libraries. Seeded: the same scripts render the same files.
"""
