"""Password hashing: Argon2id with OWASP's parameters.

Django's defaults (100 MiB, parallelism 8) cost five times the memory per
login for no gain on a 2-core server; OWASP's minimum (19 MiB, 2 passes,
1 lane) is the recommended floor. Hashes made with other parameters, or by
PBKDF2, are re-hashed at the next successful login.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
