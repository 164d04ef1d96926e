"""The Chat page and its parts; the main window needs only :class:`ChatPage`."""

from app.ui.chat.page import ChatPage

__all__ = ["ChatPage"]
