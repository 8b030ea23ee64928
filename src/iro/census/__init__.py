"""The DfE Children in Need census: reading, validating, importing and exporting returns.

The reader and the rules run compiled when ``make setup`` has compiled them from the
current sources (``iro.census.compiled``), and as plain Python otherwise.
"""

from iro.census import compiled

compiled.use(__path__)
