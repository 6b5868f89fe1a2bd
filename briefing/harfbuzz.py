"""HarfBuzz's font subsetter (libharfbuzz-subset, the C library WeasyPrint subsets the PDF's fonts
with), called through cffi: the web fonts' cut (briefing.webfonts).

Why not fontTools' subsetter, which did this before: in Python it parses the fonts' layout tables
(GSUB, GPOS) on every cut, 0.06 to 0.5 s a face, nine faces a page; HarfBuzz does the same cut,
the glyph closure over the layout features included, in about a millisecond. WeasyPrint's own
bindings (weasyprint.text.ffi) declare no way to make a face from a file's bytes, hence these.
"""

from __future__ import annotations

import cffi

_ffi = cffi.FFI()
_ffi.cdef(
    """
    typedef ... hb_blob_t;
    typedef ... hb_face_t;
    typedef ... hb_set_t;
    typedef ... hb_subset_input_t;
    typedef uint32_t hb_codepoint_t;
    hb_blob_t *hb_blob_create (const char *data, unsigned int length, int mode, void *user_data, void *destroy);
    const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
    void hb_blob_destroy (hb_blob_t *blob);
    hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
    hb_blob_t *hb_face_reference_blob (hb_face_t *face);
    void hb_face_destroy (hb_face_t *face);
    void hb_set_add_sorted_array (hb_set_t *set, const hb_codepoint_t *sorted_codepoints, unsigned int num_codepoints);
    hb_subset_input_t *hb_subset_input_create_or_fail (void);
    hb_set_t *hb_subset_input_unicode_set (hb_subset_input_t *input);
    void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned int value);
    void hb_subset_input_destroy (hb_subset_input_t *input);
    hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
    """
)
_hb = _ffi.dlopen("libharfbuzz.so.0")
_subset = _ffi.dlopen("libharfbuzz-subset.so.0")

READONLY = 1
"""HB_MEMORY_MODE_READONLY: HarfBuzz reads the caller's bytes in place, which outlive every object made here."""
NO_HINTING = 0x1
"""HB_SUBSET_FLAGS_NO_HINTING: screens render unhinted outlines well, and a cut without hinting is a third smaller."""


def subset(font: bytes, characters: list[int]) -> bytes:
    """The TrueType or OpenType font cut down to the sorted characters, with every glyph their
    layout features reach and no hinting, as a font file's bytes.

    The rest is HarfBuzz's default: the layout features a browser applies by default, the name
    records 0 to 6 in English (Unicode), no glyph names, the file's own head.modified; so the
    same font and characters give the same bytes (for one version of HarfBuzz). HarfBuzz's
    functions take NULL for any object it failed to make, so only the cut itself is checked."""
    blob = _hb.hb_blob_create(font, len(font), READONLY, _ffi.NULL, _ffi.NULL)
    face = _hb.hb_face_create(blob, 0)
    request = _subset.hb_subset_input_create_or_fail()
    try:
        wanted = _ffi.new("hb_codepoint_t[]", characters)
        _hb.hb_set_add_sorted_array(_subset.hb_subset_input_unicode_set(request), wanted, len(characters))
        _subset.hb_subset_input_set_flags(request, NO_HINTING)
        cut = _subset.hb_subset_or_fail(face, request)
        if cut == _ffi.NULL:
            raise ValueError("HarfBuzz could not cut the font down")
        try:
            return _bytes(cut)
        finally:
            _hb.hb_face_destroy(cut)
    finally:
        _subset.hb_subset_input_destroy(request)
        _hb.hb_face_destroy(face)
        _hb.hb_blob_destroy(blob)


def _bytes(face) -> bytes:
    """A subset face written out as a font file."""
    blob = _hb.hb_face_reference_blob(face)
    try:
        length = _ffi.new("unsigned int *")
        data = _hb.hb_blob_get_data(blob, length)
        return bytes(_ffi.buffer(data, length[0]))
    finally:
        _hb.hb_blob_destroy(blob)
