"""The ``gptshelf`` command: the headless twin of the GUI, over the same services."""
