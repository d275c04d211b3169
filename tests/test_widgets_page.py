"""The widgets package without ipywidgets: settings, Trainer, region pixels and the page playground's session."""

import base64
import re
from pathlib import Path

import numpy as np
import pytest

from scratchnn.widgets import CONTROLS, DATASETS, DEFAULTS, Trainer, check_settings, make_data, train_run
from scratchnn.widgets.drawing import CLASS_COLOURS, region_image, region_rgba
from scratchnn.widgets.page import RESOLUTION, PageSession
from scratchnn.widgets.verdict import PASS_COLOUR, TEXT_ORANGE, verdict_colour

PAGE = Path(__file__).resolve().parents[1] / "book" / "playground.md"


def session():
    frames = []
    return PageSession(lambda kind, data: frames.append((kind, data))), frames


def test_check_settings_names_the_bad_setting_and_value():
    assert check_settings({}) == DEFAULTS
    assert check_settings({"hidden": 4.0, "lr": "0.5"})["hidden"] == 4
    with pytest.raises(TypeError, match="learning_rate"):
        check_settings({"learning_rate": 1})
    with pytest.raises(ValueError, match=r"hidden \(the hidden units\).*whole number.*2.5"):
        check_settings({"hidden": 2.5})
    with pytest.raises(ValueError, match=r"lr \(the learning rate\) must be > 0, got 0"):
        check_settings({"lr": 0})
    with pytest.raises(ValueError, match=r"activation.*'softplus'"):
        check_settings({"activation": "softplus"})
    with pytest.raises(ValueError, match=r"noise.*finite.*nan"):
        check_settings({"noise": float("nan")})


def test_trainer_with_the_course_step_trains_as_fit_does():
    """Epoch by epoch with the replaceable step: the same costs as MLP.fit (the kernel playground's run)."""
    for settings in ({"epochs": 60}, {"epochs": 40, "activation": "relu", "layers": 2, "hidden": 5, "dataset": "XOR"}):
        s = check_settings(settings)
        trainer = Trainer(s, make_data(s["dataset"], s["noise"], s["seed"]))
        while not trainer.done:
            trainer.advance(7)
        assert trainer.epoch == s["epochs"]
        np.testing.assert_allclose(trainer.history.loss, train_run(**settings).history.loss, rtol=1e-10)
    adam = Trainer(check_settings({"epochs": 30, "optimizer": "adam", "lr": 0.01}), make_data())
    adam.advance(30)
    np.testing.assert_allclose(adam.history.loss, train_run(epochs=30, optimizer="adam", lr=0.01).history.loss)


def test_region_rgba_is_region_image_upside_down_in_bytes():
    run = train_run(epochs=50)
    extent = (-4.0, 4.0, -5.0, 5.0)
    rgba = region_rgba(run.net, extent, 20)
    assert rgba.dtype == np.uint8 and rgba.shape == (20, 20, 4) and (rgba[..., 3] == 255).all()
    np.testing.assert_array_equal(rgba[..., :3], np.round(region_image(run.net, extent, 20)[::-1] * 255))
    # Each pixel is a paler shade of its class colour: the bottom cloud (class 0, orange) fills the bottom row.
    orange = np.array([int(CLASS_COLOURS[0][i : i + 2], 16) for i in (1, 3, 5)])
    bottom = rgba[-1, 10, :3].astype(float)
    assert np.all(bottom >= orange - 1) and np.argmax(255 - bottom) == np.argmax(255 - orange)


def test_page_session_trains_in_frames_and_judges_at_the_end():
    pg, frames = session()
    first = pg.reset({"epochs": 300})
    assert first["reset"] and first["epoch"] == 0 and not first["done"] and len(first["points"]) == 225
    assert len(base64.b64decode(first["rgba"])) == RESOLUTION * RESOLUTION * 4
    assert first["colours"] == CLASS_COLOURS[:3] and first["classes"] == 3
    losses = []
    while not frames[-1][1]["done"]:
        losses += pg.advance()["loss"]
    assert all(kind == "playground" for kind, _ in frames)
    last = frames[-1][1]
    assert last["epoch"] == 300 and len(losses) == 300 and last["verdict"][0] == "ok"
    assert last["verdict"][2] == PASS_COLOUR and last["train_accuracy"] > 0.9
    np.testing.assert_allclose(losses, train_run(epochs=300).history.loss, rtol=1e-10)


def test_page_session_points_added_cleared_and_restored():
    pg, _ = session()
    pg.reset({"epochs": 100})
    assert pg.add_point(0.5, -0.5, 2)["n_train"] == 226
    assert pg.frame([], "", True)["points"][-1] == [0.5, -0.5, 2]
    cleared = pg.clear_points()
    assert cleared["n_train"] == 0 and cleared["done"] and "No training points" in cleared["verdict"][1]
    assert pg.add_point(1.0, 1.0, 0)["n_train"] == 1
    assert pg.restore_points()["n_train"] == 225
    with pytest.raises(ValueError, match=r"k must be a class 0\.\.2.*7"):
        pg.add_point(0.0, 0.0, 7)
    assert pg.reset({"dataset": "XOR", "epochs": 100})["classes"] == 2


@pytest.mark.parametrize(
    ("step", "words"),
    [
        (lambda params, X, T, lr: undefined_name, "NameError: name 'undefined_name' is not defined"),  # noqa: F821
        (lambda params, X, T, lr: {**params, "W1": params["W1"].T}, "W1 of shape (3, 2); expected (2, 3)"),
        (lambda params, X, T, lr: [params], "the step returned list; expected a dict of the parameters W1 (2, 3)"),
    ],
)
def test_a_broken_step_is_reported_in_words_and_no_picture_is_sent(step, words):
    pg, _ = session()
    frame = pg.reset({"epochs": 100}, step)  # the step is tried before the first epoch: no picture of a new network
    assert words in frame["error"] and frame["done"] and "rgba" not in frame and frame["reset"]


def test_a_step_that_climbs_the_cost_gets_a_verdict_that_says_so():
    def ascent(params, X, T, lr):  # the seed's sign error: W += lr * gradient
        import scratchnn as snn

        _, cache = snn.forward(params, X)
        grads = snn.backward(params, cache, T)
        return {key: params[key] + lr * grads[key] for key in params}

    pg, _ = session()
    pg.reset({"epochs": 100}, ascent)
    frame = pg.advance(100)
    assert frame["verdict"][0] == "unstable" and frame["verdict"][1].startswith("Unstable: the loss ended higher")
    assert frame["verdict"][2] == TEXT_ORANGE == verdict_colour("error")


def test_the_pages_controls_are_the_settings_ranges():
    """book/playground.md writes the live playground's controls by hand: they must match CONTROLS and DEFAULTS."""
    text = PAGE.read_text(encoding="utf-8")
    for name, (label, kind, spec) in CONTROLS.items():
        tag = re.search(rf'<label for="pg-{name}">([^<]*)</label><(input|select) ([^>]*)>', text)
        assert tag, name
        assert tag.group(1) == label
        if kind == "choice":
            options = re.search(rf'id="pg-{name}"[^>]*>(.*?)</select>', text).group(1)
            assert re.findall(r"<option>([^<]*)</option>", options) == list(spec)
            continue
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(3)))
        assert [float(attrs[k]) for k in ("min", "max", "step")] == [float(v) for v in spec], name
        default = DEFAULTS[name] if DEFAULTS[name] is not None else DATASETS[DEFAULTS["dataset"]]
        assert float(attrs["value"]) == (np.log10(default) if kind == "log" else default), name
    usual = re.search(r'id="pg-noise"[^>]*data-usual0="([^"]*)" data-usual1="([^"]*)" data-usual2="([^"]*)"', text)
    assert [float(v) for v in usual.groups()] == list(DATASETS.values())
