"""pynnlite.space: distances and structures."""
import math

import numpy as np
import pytest

from pynnlite.errors import InvalidDimensionsError, InvalidParameterValueError
from pynnlite.random import NumpyRNG
from pynnlite.space import (Cuboid, Grid2D, Grid3D, Line, RandomStructure, Space, Sphere)

# positions are exact small numbers: distances agree with hand values to rounding
TOL = 1e-12


def test_distances_3d_and_axes():
    A = np.array([[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]])      # (0,0,0), (1,0,0)
    B = np.array([[3.0], [4.0], [12.0]])                     # (3,4,12)
    d = Space().distances(A, B)
    assert d.shape == (2, 1)
    assert d[0, 0] == pytest.approx(13.0, abs=TOL)
    assert d[1, 0] == pytest.approx(math.sqrt(4 + 16 + 144), abs=TOL)
    assert Space(axes="xy").distances(A, B)[0, 0] == pytest.approx(5.0, abs=TOL)
    assert Space(axes="z").distances(A, B)[1, 0] == pytest.approx(12.0, abs=TOL)
    expanded = Space(axes="xz").distances(A, B, expand=True)
    assert expanded.shape == (2, 2, 1)
    assert expanded[:, 1, 0] == pytest.approx([2.0, 12.0], abs=TOL)


def test_distances_accept_single_points_and_match_brute_force():
    rng = np.random.default_rng(0)
    A, B = rng.random((3, 7)), rng.random((3, 5))
    d = Space().distances(A, B)
    brute = np.linalg.norm(A.T[:, None, :] - B.T[None, :, :], axis=2)
    assert np.allclose(d, brute, atol=TOL)
    assert Space().distances(A[:, 0], B[:, 0]).shape == (1, 1)


def test_scale_factor_and_offset_apply_to_post_positions():
    A = np.zeros((3, 1))
    B = np.array([[1.0], [0.0], [0.0]])
    # offset is added before scaling: 2 * (1 + 0.5) = 3
    assert Space(scale_factor=2.0, offset=0.5, axes="x").distances(A, B)[0, 0] == \
        pytest.approx(3.0, abs=TOL)
    assert Space(offset=(1.0, 2.0, 2.0)).distances(A, B)[0, 0] == pytest.approx(
        math.sqrt(4 + 4 + 4), abs=TOL)


def test_periodic_boundaries_take_the_nearest_image():
    space = Space(periodic_boundaries=((0, 10), None, None))
    A = np.array([[1.0], [0.0], [0.0]])
    B = np.array([[9.0, 6.0], [0.0, 3.0], [0.0, 0.0]])
    d = space.distances(A, B)
    assert d[0, 0] == pytest.approx(2.0, abs=TOL)                  # 1 -> 9 wraps: 2, not 8
    assert d[0, 1] == pytest.approx(math.hypot(5.0, 3.0), abs=TOL)  # 5 is half the period
    disp = space.displacements(A, B)
    assert disp[0, 0, 0] == pytest.approx(-2.0, abs=TOL)


def test_bad_space_parameters_raise():
    with pytest.raises(InvalidParameterValueError, match="'w'"):
        Space(axes="w")
    with pytest.raises(InvalidParameterValueError, match="periodic_boundaries"):
        Space(periodic_boundaries=((10, 0), None, None))
    with pytest.raises(InvalidDimensionsError, match=r"\(2, 3\)"):
        Space().distances(np.zeros((2, 3)), np.zeros((3, 1)))


def test_line():
    pos = Line(dx=2.0, x0=1.0, y=3.0, z=-1.0).generate_positions(4)
    assert np.array_equal(pos, [[1, 3, 5, 7], [3, 3, 3, 3], [-1, -1, -1, -1]])
    assert repr(Line()) == "Line(dx=1.0, x0=0.0, y=0.0, z=0.0)"


def test_grid2d_sequential_and_random():
    grid = Grid2D(aspect_ratio=2.0, dx=1.0, dy=3.0, x0=10.0)
    assert grid.calculate_size(8) == (4, 2)
    pos = grid.generate_positions(8)
    assert pos.shape == (3, 8)
    # y varies fastest
    assert np.array_equal(pos[:, :3].T, [[10, 0, 0], [10, 3, 0], [11, 0, 0]])
    shuffled = Grid2D(aspect_ratio=2.0, dx=1.0, dy=3.0, x0=10.0, fill_order="random",
                      rng=NumpyRNG(4)).generate_positions(8)
    assert sorted(map(tuple, shuffled.T)) == sorted(map(tuple, pos.T))
    assert not np.array_equal(shuffled, pos)
    with pytest.raises(InvalidDimensionsError, match="n=7"):
        grid.generate_positions(7)
    with pytest.raises(InvalidParameterValueError, match="spiral"):
        Grid2D(fill_order="spiral")


def test_grid3d():
    grid = Grid3D(aspect_ratioXY=1.0, aspect_ratioXZ=2.0, dz=0.5)
    assert grid.calculate_size(8 * 8 * 4) == (8, 8, 4)
    pos = grid.generate_positions(256)
    # z varies fastest: the second cell is at (0, 0, dz)
    assert np.array_equal(pos[:, 1], [0.0, 0.0, 0.5])
    assert len(set(map(tuple, pos.T))) == 256
    with pytest.raises(InvalidDimensionsError):
        grid.generate_positions(100)


def test_random_structure_in_cuboid():
    n = 4000
    pos = RandomStructure(Cuboid(10, 20, 30), origin=(1, 2, 3),
                          rng=NumpyRNG(5)).generate_positions(n)
    assert pos.shape == (3, n)
    half = np.array([[5.0], [10.0], [15.0]])
    centre = np.array([[1.0], [2.0], [3.0]])
    assert np.all(np.abs(pos - centre) <= half)
    # uniform: mean of each coordinate = centre within 5 standard errors (width / sqrt(12 n))
    se = 2 * half[:, 0] / math.sqrt(12 * n)
    assert np.all(np.abs(pos.mean(axis=1) - centre[:, 0]) < 5 * se)


def test_random_structure_in_sphere_is_uniform_in_volume():
    n = 20_000
    pos = RandomStructure(Sphere(2.0), rng=NumpyRNG(6)).generate_positions(n)
    r = np.linalg.norm(pos, axis=0)
    assert r.max() <= 2.0
    # the inner ball of half the radius holds 1/8 of the volume; binomial standard error
    share = np.mean(r < 1.0)
    assert abs(share - 0.125) < 5 * math.sqrt(0.125 * 0.875 / n)


def test_random_structure_is_reproducible():
    a = RandomStructure(Sphere(1.0), rng=NumpyRNG(9)).generate_positions(50)
    b = RandomStructure(Sphere(1.0), rng=NumpyRNG(9)).generate_positions(50)
    assert np.array_equal(a, b)


def test_bad_structure_parameters_raise():
    with pytest.raises(InvalidParameterValueError, match="-1"):
        Sphere(-1)
    with pytest.raises(InvalidParameterValueError, match="width"):
        Cuboid(-1, 1, 1)
    with pytest.raises(InvalidParameterValueError, match="boundary"):
        RandomStructure("box")
    with pytest.raises(InvalidParameterValueError, match="dx"):
        Line(dx="one")
