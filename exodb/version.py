"""exodb's version, in a module of its own so that any layer can name it without importing the
package root (whose ``connect`` reaches the layers above)."""

__version__ = "0.1.0"
