"""Bring the Thai, Lao and Khmer catalogues in step with the messages in the sources.

    python scripts/catalogues.py

New messages are added with an empty translation (the tests fail until each is filled in);
messages no longer in the sources are dropped.
"""

from sim.i18n.catalogues import update

if __name__ == "__main__":
    for lang, lacking in update().items():
        print(f"{lang}: {lacking} message(s) without a translation")
