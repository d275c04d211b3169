"""Learner programs for check_adam (chapter 7): one Adam step with bias correction, epsilon outside the root."""

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


def step(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8, correct=True, inside=False):
    m = beta1 * m + (1 - beta1) * g
    s = beta2 * s + (1 - beta2) * g**2
    m_hat, s_hat = (m / (1 - beta1**t), s / (1 - beta2**t)) if correct else (m, s)
    root = np.sqrt(s_hat + eps) if inside else np.sqrt(s_hat) + eps
    return theta - lr * m_hat / root, m, s


@expect()
def chapter_style(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return step(theta, m, s, g, t, lr, beta1, beta2, eps)


@expect()
def in_place_on_its_copies(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    s *= beta2
    s += (1 - beta2) * g * g
    theta -= lr * (m / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps)
    return theta, m, s


@expect()
def corrected_learning_rate(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m_new = beta1 * m + (1 - beta1) * g
    s_new = beta2 * s + (1 - beta2) * np.square(g)
    s_hat = s_new / (1 - beta2**t)
    return theta - lr / (1 - beta1**t) * m_new / (np.sqrt(s_hat) + eps), m_new, s_new


@expect()
def as_a_list(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return list(step(theta, m, s, g, t, lr, beta1, beta2, eps))


@expect()
def float32(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    arrays = (a.astype(np.float32) for a in (theta, m, s, g))
    return step(*arrays, t, lr, beta1, beta2, eps)


@expect("no-bias-correction")
def no_correction(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return step(theta, m, s, g, t, lr, beta1, beta2, eps, correct=False)


@expect("eps-inside-sqrt")
def epsilon_inside(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return step(theta, m, s, g, t, lr, beta1, beta2, eps, inside=True)


@expect("no-bias-correction", "eps-inside-sqrt")
def neither(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return step(theta, m, s, g, t, lr, beta1, beta2, eps, correct=False, inside=True)


@expect("sign-flipped")
def ascent(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    new = step(theta, m, s, g, t, lr, beta1, beta2, eps)
    return 2 * theta - new[0], new[1], new[2]


@expect("swapped-outputs")
def moments_swapped(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    theta, m, s = step(theta, m, s, g, t, lr, beta1, beta2, eps)
    return theta, s, m


@expect("wrong-shape")
def forgets_s(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return step(theta, m, s, g, t, lr, beta1, beta2, eps)[:2]


@expect("other")
def ignores_the_hyperparameters(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return step(theta, m, s, g, t, lr)


@expect("other")
def returns_the_corrected_moments(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    theta_new, m_new, s_new = step(theta, m, s, g, t, lr, beta1, beta2, eps)
    return theta_new, m_new / (1 - beta1**t), s_new / (1 - beta2**t)


@expect("exception")
def counts_from_zero(theta, m, s, g, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    if t == 1:
        raise ValueError("t starts at 0 in my version")
    return step(theta, m, s, g, t - 1, lr, beta1, beta2, eps)
