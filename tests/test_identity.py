"""Person keys: pseudonymous, stable, and the same for a login and its noreply address."""
from etl.shared import identity

SALT = "test-salt"


def test_login_keys_are_stable_case_insensitive_and_pseudonymous():
    key = identity.key_for_login("Quiet-Otter", SALT)
    assert key == identity.key_for_login(" quiet-otter ", SALT)
    assert key.startswith("p_") and len(key) == 18
    assert "otter" not in key
    assert key != identity.key_for_login("quiet-otter", "another-salt")


def test_email_keys_normalise_and_never_contain_the_address():
    key = identity.key_for_email(" Analyst@Example.NHS.test ", SALT)
    assert key == identity.key_for_email("analyst@example.nhs.test", SALT)
    assert "@" not in key and "analyst" not in key


def test_github_noreply_address_keys_as_its_login():
    assert identity.key_for_email("12345+quiet-otter@users.noreply.github.com", SALT) == \
        identity.key_for_login("quiet-otter", SALT)


def test_bots_are_recognised():
    assert all(identity.is_bot(n) for n in ["dependabot[bot]", "github-actions", "web-flow", "renovate-bot"])
    assert not any(identity.is_bot(n) for n in ["quiet-otter", "robotics-fan", None])
