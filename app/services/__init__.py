"""Use-cases that combine the layers below the UI: importing models, making GPTs, chatting, history.

The GUI and the CLI both drive these; neither talks to the catalog or the engine directly.
"""
