"""The playground, driven headlessly: set controls, call the update, check what the learner would see."""

import io
import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from PIL import Image as PILImage

import scratchnn as snn
from scratchnn import widgets
from scratchnn.network import History
from scratchnn.widgets.figure import Canvas
from scratchnn.widgets.live import _status_html


@pytest.fixture(scope="module")
def pg():
    return widgets.playground()


@pytest.fixture(autouse=True)
def reset(request):
    yield
    if "pg" in request.fixturenames:  # put the shared playground back to its defaults
        p = request.getfixturevalue("pg")
        for name, value in {**widgets.DEFAULTS, "noise": widgets.DATASETS["gaussian clouds"]}.items():
            p._busy = True
            p.controls[name].value = value
            p._busy = False
        p.update()


def png_size(data: bytes):
    return PILImage.open(io.BytesIO(data)).size


# ---------------------------------------------------------------------------------------------------------------
# The live playground


def test_default_run_is_shown(pg):
    assert pg.run.verdict[0] == "ok"
    assert pg.run.train_accuracy > 0.95 and pg.run.test_accuracy > 0.9
    assert f"training accuracy {pg.run.train_accuracy:.1%}" in pg.status.value
    assert f"held-out accuracy {pg.run.test_accuracy:.1%}" in pg.status.value
    assert png_size(pg.image.png) == (720, 288)


def test_every_slider_waits_for_release(pg):
    sliders = [c for c in pg.controls.values() if hasattr(c, "continuous_update")]
    assert len(sliders) == 6
    assert not any(c.continuous_update for c in sliders)


def test_learning_rate_slider_is_log_scale_from_1e_4_to_10(pg):
    lr = pg.controls["lr"]
    assert (lr.base, lr.min, lr.max) == (10, -4, 1)
    assert pg.controls["hidden"].min == 1 and pg.controls["hidden"].max == 32
    assert (pg.controls["layers"].min, pg.controls["layers"].max) == (1, 3)


def test_moving_a_control_retrains_and_changes_the_text(pg):
    before_status, before_image = pg.status.value, pg.image.png
    pg.controls["hidden"].value = 1  # the observer retrains, as a slider release would
    assert pg.run.settings["hidden"] == 1
    assert pg.run.net.layer_sizes == [2, 1, 3]
    assert pg.run.train_accuracy < 0.9  # one hidden unit cannot split three clouds
    assert pg.status.value != before_status
    assert pg.image.png != before_image
    assert f"training accuracy {pg.run.train_accuracy:.1%}" in pg.status.value


def test_learning_rate_changes_the_result(pg):
    first = pg.run.history.loss[-1]
    pg.controls["lr"].value = 0.01
    assert pg.run.settings["lr"] == pytest.approx(0.01)
    assert pg.run.history.loss[-1] > 2 * first  # a hundred times smaller steps get less far in 1000 epochs


def test_layers_activation_optimizer_epochs_seed_reach_the_network(pg):
    pg._busy = True
    pg.controls["layers"].value = 2
    pg.controls["activation"].value = "tanh"
    pg.controls["optimizer"].value = "adam"
    pg.controls["epochs"].value = 200
    pg._busy = False
    pg.controls["seed"].value = 3
    run = pg.run
    assert run.net.layer_sizes == [2, 3, 3, 3]
    assert run.net.activation == "tanh"
    assert run.history.epochs == 200
    assert run.settings["optimizer"] == "adam" and run.settings["seed"] == 3


def test_switching_data_set_resets_noise_and_retrains_once(pg, monkeypatch):
    calls = []
    original = pg.update
    monkeypatch.setattr(pg, "update", lambda: calls.append(1) or original())
    pg.controls["noise"].value = 0.5
    pg.controls["dataset"].value = "XOR"
    assert len(calls) == 2  # once for the noise, once for the data set (which also resets the noise)
    assert pg.controls["noise"].value == widgets.DATASETS["XOR"]
    assert pg.run.net.layer_sizes[-1] == 2  # XOR has two classes
    assert "training accuracy" in pg.status.value


def test_sigmoid_at_lr_10_overshoots_but_does_not_diverge(pg):
    """The truthful message: sigmoid units are bounded, the loss stays finite and training recovers."""
    pg.controls["lr"].value = 10.0
    run = pg.run
    assert not run.history.diverged
    assert run.verdict[0] == "overshoot"
    assert "went up along the way" in run.verdict[1]
    assert max(run.history.loss) > 2 * run.history.loss[0]  # the loss did jump up early on ...
    assert run.train_accuracy > 0.95  # ... and yet training ended well
    assert "Overshoot" in pg.status.value
    assert "Overshoot" in pg._canvas.verdict.get_text()
    assert not pg._canvas.alarm.get_visible()


def test_relu_at_lr_10_is_flagged_unstable(pg):
    """The loss explodes (to ~1e42) but stays finite, then dead ReLUs leave a poor network: "unstable"."""
    pg.controls["activation"].value = "relu"
    pg.controls["lr"].value = 10.0
    run = pg.run
    assert not run.history.diverged
    assert run.verdict[0] == "unstable"
    assert "blew up" in run.verdict[1]
    assert run.train_accuracy < 0.9
    assert pg._canvas.alarm.get_visible() and pg._canvas.alarm.get_text() == "UNSTABLE"
    assert "Unstable" in pg.status.value


def test_divergence_is_a_message_on_the_figure_not_a_traceback(pg):
    pg._busy = True
    pg.controls["activation"].value = "relu"
    pg.controls["hidden"].value = 32
    pg._busy = False
    pg.controls["lr"].value = 10.0
    run = pg.run
    assert run.history.diverged
    assert run.verdict[0] == "diverged"
    assert pg._canvas.alarm.get_visible() and pg._canvas.alarm.get_text() == "DIVERGED"
    assert "Diverged" in pg._canvas.verdict.get_text()
    assert "Diverged" in pg.status.value
    assert png_size(pg.image.png) == (720, 288)


def test_tiny_learning_rate_is_flagged_stalled(pg):
    pg.controls["lr"].value = 1e-4
    assert pg.run.verdict[0] == "stalled"
    assert "barely moved" in pg.status.value


def test_no_exception_escapes_the_update(pg, monkeypatch):
    def broken(run, title=None):
        raise RuntimeError("the canvas is on fire")

    monkeypatch.setattr(pg._canvas, "draw", broken)
    run = pg.update()
    assert run.error == "the canvas is on fire"
    assert "Something went wrong: the canvas is on fire" in pg.status.value


def test_train_run_reports_bad_settings_instead_of_raising():
    run = widgets.train_run(activation="softplus", epochs=10)
    assert run.net is None and run.verdict[0] == "error"
    assert "softplus" in run.error
    with pytest.raises(TypeError, match="unknown playground settings"):
        widgets.train_run(learning_rate=0.1)


def test_the_figure_is_reused_and_no_figures_pile_up(pg):
    figures = len(plt.get_fignums())
    image, fig, status = pg.image, pg._canvas.fig, pg.status
    for lr in (0.1, 0.3, 3.0):
        pg.controls["lr"].value = lr
    assert pg.image is image and pg._canvas.fig is fig and pg.status is status
    assert len(plt.get_fignums()) == figures
    assert len(fig.axes) == 3  # map, cost, classification rate: artists are updated, not added
    assert len(pg._canvas.ax_map.images) == 1
    assert len(pg._canvas.ax_loss.lines) == 1 and len(pg._canvas.ax_acc.lines) == 1


SPIRALS_UNSTABLE = {"dataset": "spirals", "lr": 10.0, "hidden": 1}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"hidden": 1}, {}),
        ({}, {"lr": 10.0}),
        (SPIRALS_UNSTABLE, {"dataset": "spirals"}),
        ({"dataset": "spirals"}, SPIRALS_UNSTABLE),
    ],
)
def test_a_redraw_over_the_kept_background_matches_a_full_draw(before, after, monkeypatch):
    """Nothing of the previous run (curves, text, the alarm box) survives a redraw that reuses the background."""
    assert widgets.train_run(**SPIRALS_UNSTABLE).verdict[0] == "unstable"  # the alarm box is shown for it
    kept = Canvas()
    kept.draw(widgets.train_run(**before))
    full_draws = []
    original = kept.canvas.draw
    monkeypatch.setattr(kept.canvas, "draw", lambda: full_draws.append(1) or original())
    run = widgets.train_run(**after)
    fast = np.asarray(PILImage.open(io.BytesIO(kept.draw(run))))
    assert not full_draws  # same layout: the background was reused
    full = np.asarray(PILImage.open(io.BytesIO(Canvas().draw(run))))
    np.testing.assert_array_equal(fast, full)


def test_update_before_first_run_says_a_kernel_is_needed():
    p = widgets.playground(run_now=False)
    assert "need a live kernel" in p.status.value
    assert p.image.png == b""
    p.update()
    assert "training accuracy" in p.status.value


def test_timing_is_recorded(pg):
    pg.update()
    assert set(pg.timing) == {"data", "train", "draw"}
    assert all(t >= 0 for t in pg.timing.values())
    assert pg.timing["train"] > 0 and pg.timing["draw"] > 0


# ---------------------------------------------------------------------------------------------------------------
# The verdict, on made-up histories


def history(*loss, diverged=False):
    return History(loss=list(loss), accuracy=[0.5] * len(loss), diverged=diverged)


@pytest.mark.parametrize(
    ("h", "level"),
    [
        (history(1.1, 0.5, 0.2), "ok"),
        (history(1.1, 0.5, diverged=True), "diverged"),
        (history(diverged=True), "diverged"),
        (history(1.1, 0.9, 1.2), "unstable"),  # ended above the start
        (history(1.1, 50.0, 0.1), "unstable"),  # blew up (> 10 x start) even though it came back
        (history(1.1, 0.5, 0.7, 0.1), "overshoot"),  # climbed 0.2 > 0.11 above its best so far
        (history(1.1, 0.5, 0.55, 0.1), "ok"),  # a wobble of 0.05 < 0.1 x 1.1 is fine
        (history(1.1, 1.09, 1.08), "stalled"),
        (history(), "stalled"),
    ],
)
def test_training_verdict_levels(h, level):
    assert widgets.training_verdict(h)[0] == level
    # The meaning is in the words, not only in the colour the playground gives them (WCAG 1.4.1).
    word = "Trained" if level == "ok" else level.capitalize()
    assert widgets.training_verdict(h)[1].startswith(f"{word}: ")


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""

    def luminance(colour):
        c = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("level", ["ok", "stalled", "overshoot", "diverged"])
def test_verdict_text_is_readable_in_both_themes(level):
    run = widgets.Run({}, None, history(), 0.0, 0.0, (level, "message"), 0.0)
    colour = re.search(r"color:\s*(#[0-9a-fA-F]{6})", _status_html(run)).group(1)
    # White (light theme) and the grey behind widgets in the book's dark theme: WCAG 2.1 AA asks 4.5:1.
    assert contrast(colour, "#ffffff") >= 4.5 and contrast(colour, "#ced6dd") >= 4.5


def test_verdict_messages_say_what_happened():
    assert "epoch 3" in widgets.training_verdict(history(1.1, 0.5, diverged=True))[1]
    assert "1.1 \N{RIGHTWARDS ARROW} 1.2" in widgets.training_verdict(history(1.1, 0.9, 1.2))[1]
    message = widgets.training_verdict(history(1.1, 0.5, 0.7, 0.1))[1]
    assert "from 0.5 to 0.7 at epoch 3" in message


# ---------------------------------------------------------------------------------------------------------------
# Data


@pytest.mark.parametrize(("name", "classes"), [("gaussian clouds", 3), ("spirals", 3), ("XOR", 2)])
def test_make_data(name, classes):
    X_train, X_test, y_train, y_test = widgets.make_data(name, seed=1)
    assert X_train.shape == (225 if classes == 3 else 150, 2)
    assert X_test.shape[0] == (75 if classes == 3 else 50)
    assert set(np.unique(y_train)) == set(np.unique(y_test)) == set(range(classes))


def test_cloud_noise_is_the_spread_around_the_centres():
    for noise in (0.2, 2.0):
        X, _, y, _ = widgets.make_data("gaussian clouds", noise)
        spread = (X - snn.datasets.CLOUD_CENTRES[y]).std()
        assert spread == pytest.approx(noise, rel=0.1)
    with pytest.raises(ValueError, match="unknown dataset 'moons'"):
        widgets.make_data("moons")


# ---------------------------------------------------------------------------------------------------------------
# The static explorer


@pytest.fixture(scope="module")
def explorer():
    return widgets.static_playground(
        lrs=(0.1, 1.0, 10.0), hidden=(1, 3), start=(1.0, 3), epochs=30, url="../_static/explorer/"
    )


def test_static_explorer_runs_and_pictures(explorer):
    assert len(explorer.runs) == len(explorer.pngs) == len(explorer.alts) == 2 * 3 * 2
    assert all(png_size(png) == (560, 256) for png in explorer.pngs.values())
    assert len(set(explorer.pngs.values())) == 12  # every run has its own picture
    assert explorer.start == ("gaussian clouds", 1.0, 3)
    assert explorer.alts["spirals", 10.0, 1].startswith("Decision regions with the data on top")
    assert "spirals, learning rate 10, 1 hidden unit." in explorer.alts["spirals", 10.0, 1]


def test_static_explorer_html_is_a_labelled_form_with_one_lazy_picture(explorer):
    page = explorer._repr_html_()
    assert page.count("<img ") == 1 and 'loading="lazy"' in page
    assert 'src="../_static/explorer/gaussian-clouds-lr1-h3.png" width="560" height="256"' in page
    assert 'alt="Decision regions with the data on top' in page
    for name, label in (("dataset", "data set"), ("lr", "learning rate"), ("hidden", "hidden units")):
        assert f'<label for="ex-{name}">{label}</label>' in page and f'id="ex-{name}"' in page
    assert 'id="ex-lr" name="lr" min="0" max="2" step="1" value="1" aria-valuetext="1"' in page
    assert 'id="ex-hidden" name="hidden" min="0" max="1" step="1" value="1" aria-valuetext="3"' in page
    assert "<script>" not in page and "onclick" not in page  # a strict CSP: only a JSON data block
    table = json.loads(page.split('class="ex-pictures">')[1].split("</script>")[0])
    assert len(table) == 12
    assert table["1-2-0"] == ["../_static/explorer/spirals-lr10-h1.png", explorer.alts["spirals", 10.0, 1]]


def test_static_explorer_saves_every_picture(explorer, tmp_path):
    written = explorer.save(tmp_path / "pictures")
    assert len(written) == 12
    assert (tmp_path / "pictures" / "spirals-lr0.1-h3.png").read_bytes() == explorer.pngs["spirals", 0.1, 3]


def test_static_explorer_without_a_site_embeds_the_starting_picture(explorer):
    alone = widgets.Explorer(**{**explorer.__dict__, "url": None})
    page = alone._repr_html_()
    assert page.count("<img ") == 1 and 'src="data:image/png;base64,' in page and "<input" not in page


def test_static_explorer_saves_its_pictures_where_the_book_build_asks(monkeypatch, tmp_path):
    monkeypatch.setenv("SCRATCHNN_EXPLORER_DIR", str(tmp_path / "site"))
    built = widgets.static_playground(lrs=(1.0,), hidden=(3,), datasets=("XOR",), epochs=5)
    assert built.url == "../_static/explorer/" and (tmp_path / "site" / "xor-lr1-h3.png").is_file()
    assert 'src="../_static/explorer/xor-lr1-h3.png"' in built._repr_html_()
    monkeypatch.delenv("SCRATCHNN_EXPLORER_DIR")
    assert widgets.static_playground(lrs=(1.0,), hidden=(3,), datasets=("XOR",), epochs=5).url is None


def test_static_explorer_pictures_are_small(explorer):
    assert max(len(png) for png in explorer.pngs.values()) < 20_000


def test_playground_is_a_picture_without_widgets_when_the_build_says_so(monkeypatch):
    from ipywidgets.widgets import widget

    monkeypatch.setenv("SCRATCHNN_WIDGETS", "off")
    before = set(widget._instances)
    shown = widgets.playground(epochs=30)
    assert isinstance(shown, widgets.PlaygroundPicture) and set(widget._instances) == before  # no widget created
    page = shown._repr_html_()
    assert page.count("<img ") == 1 and 'width="720" height="288"' in page and "training accuracy" in page
    assert shown.run.history.epochs == 30 and png_size(shown.png) == (720, 288)


def test_static_explorer_rejects_a_start_outside_the_grid():
    with pytest.raises(ValueError, match="start"):
        widgets.static_playground(lrs=(0.1,), hidden=(2,), start=(1.0, 3))


def test_pictures_carry_alt_text(pg):
    assert 'alt="Decision regions with the data on top' in pg.image.value
    assert "gaussian clouds, learning rate 1" in pg.image.value
    assert pg.image.value.startswith('<img src="data:image/png;base64,')
    empty = widgets.picture()
    assert empty.value == "" and empty.png == b""
