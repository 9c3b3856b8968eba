"""Artwork intake: opening an image file safely, reading its header, and decoding it once at
the size a run needs, as 8-bit sRGB held where libvips reads it in place."""
