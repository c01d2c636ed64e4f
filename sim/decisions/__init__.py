"""What decides: decision points and their life cycle, the policies that answer them
(doctrine's plan, a room of players, a replayed session), the seats' unprompted actions,
the commands of a played exercise and its session file.

The model (``sim.model``) raises points and carries out their answers; the faces (the
command line, ``sim.play``) and ``sim.experiment`` use this package; it imports none of
them.
"""
