"""Learner programs for check_momentum (chapter 7): v <- beta v + g, theta <- theta - lr v, no input changed."""

import numpy as np

from . import Programs

PROGRAMS = Programs()
expect = PROGRAMS.expect


@expect()
def two_lines(theta, v, g, lr, beta):
    v_new = beta * v + g
    return theta - lr * v_new, v_new


@expect()
def copies_then_in_place(theta, v, g, lr, beta):
    v = v.copy()
    v *= beta
    v += g
    theta = theta.copy()
    theta -= lr * v
    return theta, v


@expect()
def ufuncs(theta, v, g, lr, beta):
    v_new = np.add(np.multiply(beta, v), g)
    return np.subtract(theta, lr * v_new), v_new


@expect()
def as_lists(theta, v, g, lr, beta):
    v_new = beta * v + g
    return [theta - lr * v_new, v_new]


@expect()
def float32(theta, v, g, lr, beta):
    v_new = (beta * v + g).astype(np.float32)
    return (theta - lr * v_new).astype(np.float32), v_new


@expect("changed-input")
def in_place(theta, v, g, lr, beta):
    v *= beta
    v += g
    theta -= lr * v
    return theta, v


@expect("changed-input")
def velocity_in_place(theta, v, g, lr, beta):
    v *= beta
    v += g
    return theta - lr * v, v


@expect("stale-velocity")
def old_velocity(theta, v, g, lr, beta):
    return theta - lr * v, beta * v + g


@expect("sign-flipped")
def ascent(theta, v, g, lr, beta):
    v_new = beta * v + g
    return theta + lr * v_new, v_new


@expect("swapped-outputs")
def velocity_first(theta, v, g, lr, beta):
    v_new = beta * v + g
    return v_new, theta - lr * v_new


@expect("wrong-type")
def only_theta(theta, v, g, lr, beta):
    return theta - lr * (beta * v + g)


@expect("other")
def moving_average_form(theta, v, g, lr, beta):
    v_new = beta * v + (1 - beta) * g
    return theta - lr * v_new, v_new


@expect("exception")
def wrong_argument_order(theta, v, g, lr, beta):
    return theta - lr * (beta @ v + g), beta @ v + g


@expect("not-implemented")
def the_stub(theta, v, g, lr, beta):
    raise NotImplementedError("write the momentum step here")
