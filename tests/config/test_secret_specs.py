"""Which password keys an account may use, and when a plain password is acceptable."""

from __future__ import annotations

from collections.abc import Callable

from tuiphone.config import AppConfig, SecretKind, SecretSpec

Load = Callable[..., AppConfig]
Problems = Callable[..., list[str]]
ACCOUNT = '[[accounts]]\nid = "w"\nuri = "sip:w@example.com"\n'


def test_plain_password_refused_when_others_can_read(problems_of: Problems) -> None:
    assert problems_of(ACCOUNT + 'password = "hunter2"\n', mode=0o644) == [
        "CFG:4: accounts[0].password: config.toml is readable by others (mode 0644); "
        "chmod 600 it or use password_command"
    ]


def test_plain_password_refused_when_group_can_read(problems_of: Problems) -> None:
    (problem,) = problems_of(ACCOUNT + 'password = "hunter2"\n', mode=0o640)
    assert "mode 0640" in problem
    assert "hunter2" not in problem


def test_plain_password_accepted_at_0600_with_warning(load_text: Load) -> None:
    config = load_text(ACCOUNT + 'password = "hunter2"\n', mode=0o600)
    spec = config.secrets["w"]
    assert spec.kind is SecretKind.PLAIN
    assert spec.value == "hunter2"
    (warning,) = config.warnings
    assert ":4: accounts[0].password: plain-text password" in warning
    assert "hunter2" not in warning


def test_plain_password_in_carddav_book(problems_of: Problems) -> None:
    text = '[[contacts.carddav]]\nid = "c"\nurl = "https://x/"\npassword = "pw"\n'
    (problem,) = problems_of(text, mode=0o604)
    assert problem.startswith("CFG:4: contacts.carddav[0].password: config.toml is readable")


def test_only_one_password_source(problems_of: Problems) -> None:
    text = ACCOUNT + 'password_env = "PW"\npassword_command = "pass x"\n'
    assert problems_of(text) == [
        "CFG:5: accounts[0].password_command: use only one of password_command, password_env"
    ]


def test_password_command_string_is_split_without_a_shell(load_text: Load) -> None:
    config = load_text(ACCOUNT + "password_command = \"pass show 'sip/my work'\"\n")
    assert config.secrets["w"].command == ("pass", "show", "sip/my work")


def test_password_command_list(load_text: Load) -> None:
    config = load_text(ACCOUNT + 'password_command = ["pass", "show", "a b"]\n')
    assert config.secrets["w"].command == ("pass", "show", "a b")


def test_password_command_bad_quoting(problems_of: Problems) -> None:
    (problem,) = problems_of(ACCOUNT + "password_command = \"pass 'open\"\n")
    assert "accounts[0].password_command: cannot split command" in problem


def test_password_command_empty(problems_of: Problems) -> None:
    (problem,) = problems_of(ACCOUNT + "password_command = []\n")
    assert problem.endswith("password_command: must name a program")


def test_password_env_must_be_a_variable_name(problems_of: Problems) -> None:
    (problem,) = problems_of(ACCOUNT + 'password_env = "MY-PW"\n')
    assert "'MY-PW' is not an environment variable name" in problem


def test_keyring_and_store_flags(load_text: Load) -> None:
    text = ACCOUNT + "password_keyring = true\n" + ACCOUNT.replace('"w"', '"s"').replace(
        "sip:w", "sip:s") + "password_store = true\n"
    config = load_text(text)
    assert config.secrets["w"].kind is SecretKind.KEYRING
    assert config.secrets["s"].kind is SecretKind.STORE


def test_keyring_false_means_no_password(load_text: Load) -> None:
    assert "w" not in load_text(ACCOUNT + "password_keyring = false\n").secrets


def test_repr_never_shows_the_password() -> None:
    spec = SecretSpec(SecretKind.PLAIN, "w", value="hunter2")
    assert "hunter2" not in repr(spec)
    assert "***" in repr(spec)
    command = SecretSpec(SecretKind.COMMAND, "w", command=("echo", "hunter2"))
    assert "hunter2" not in repr(command)
    assert "echo" in repr(command)


def test_appconfig_repr_hides_plain_password(load_text: Load) -> None:
    config = load_text(ACCOUNT + 'password = "hunter2"\n')
    assert "hunter2" not in repr(config)
