"""Errors that reach the user as one line, never as a traceback."""


class InputError(Exception):
    """Unusable input: a bad corpus folder, file, dictionary or setting.

    The message is complete on its own: it names the file and says what to do.
    The command line prints it on one line and exits with status 2.
    """
