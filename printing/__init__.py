"""Label and barcode rendering on plain data (no UI imports: textual, screens, kiosk).

Import the module you need (printing.labels, printing.item_labels, printing.outputs, ...): the
package itself loads nothing, so importing printing.formats does not load Pillow.
"""
