"""Argon2id with the parameters of Haima's hasher (see settings)."""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = settings.ARGON2_TIME_COST
    memory_cost = settings.ARGON2_MEMORY_COST
    parallelism = settings.ARGON2_PARALLELISM
