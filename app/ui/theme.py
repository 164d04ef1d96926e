"""The app's look: one small stylesheet, with colours from the palette so light and dark both work."""

STYLE = """
QWidget#sidePanel { background: palette(window); border-right: 1px solid palette(mid); }
QListWidget#sidebar { border: none; background: transparent; font-size: 14px; outline: 0; }
QListWidget#sidebar::item { padding: 8px 14px; border-radius: 6px; margin: 1px 8px; }
QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }
QLabel#brand { font-size: 18px; font-weight: 600; padding: 16px 18px 10px 18px; }
QLabel#pageHeading { font-size: 22px; font-weight: 600; }
QLabel#pageNote { color: palette(placeholder-text); margin-bottom: 8px; }
QTableWidget { border: 1px solid palette(mid); border-radius: 6px; gridline-color: palette(midlight); }
QHeaderView::section { padding: 6px; border: none; border-bottom: 1px solid palette(mid);
                       background: palette(base); font-weight: 600; }
"""
