"""Space and structure: where cells are, and how far apart (PyNN's ``pyNN.space``).

Classes:
    Space           - a Cartesian space in which distances are calculated:
                      chosen axes, scale factor, offset, periodic boundaries
    Line            - cells evenly spaced along a straight line
    Grid2D, Grid3D  - cells on a regular 2-D or 3-D grid
    RandomStructure - cells placed uniformly at random within a volume
    Cuboid, Sphere  - the volumes RandomStructure accepts

Positions are arrays of shape (3, n): one column per cell. All distance
calculations are vectorised over both sets of cells.
"""
import math

import numpy as np

from pynnlite.errors import InvalidDimensionsError, InvalidParameterValueError
from pynnlite.random import as_rng


def _as_positions(X, name):
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X.reshape(3, 1) if X.size == 3 else X
    if X.ndim != 2 or X.shape[0] != 3:
        raise InvalidDimensionsError(
            f"{name} must hold positions as an array of shape (3, n) or (3,), not {X.shape}")
    return X


def _number(value, name, model, positive=False, non_negative=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not math.isfinite(value):
        raise InvalidParameterValueError(name, value, "a finite number", model=model)
    if positive and value <= 0:
        raise InvalidParameterValueError(name, value, "> 0", model=model)
    if non_negative and value < 0:
        raise InvalidParameterValueError(name, value, ">= 0", model=model)
    return value


class Space:
    """
    A space within which distances can be calculated. The space is Cartesian,
    may be 1-, 2- or 3-dimensional, and may have periodic boundaries in any of
    the dimensions.

    Arguments:
        `axes`:
            if not supplied, the 3-D distance is calculated. Otherwise a string
            naming the axes to use, e.g. 'x' or 'yz'; 'xyz' is the same as None.
        `scale_factor`:
            the pre- and postsynaptic populations may use different units for
            position (e.g. degrees and µm); `scale_factor` is applied to the
            positions of the postsynaptic population.
        `offset`:
            if the origins of the pre- and postsynaptic coordinate systems
            differ, `offset` (a scalar or a 3-vector) is added to the
            postsynaptic positions, before scaling.
        `periodic_boundaries`:
            None, or one entry per dimension, each None or (min, max), e.g.
            ``((0, 100), None, None)``.
    """

    AXES = {"x": [0], "y": [1], "z": [2], "xy": [0, 1], "yz": [1, 2], "xz": [0, 2],
            "xyz": [0, 1, 2], None: [0, 1, 2]}

    def __init__(self, axes=None, scale_factor=1.0, offset=0.0, periodic_boundaries=None):
        if axes not in self.AXES:
            raise InvalidParameterValueError(
                "axes", axes, "None or one of " + ", ".join(k for k in self.AXES if k),
                model="Space")
        self.axes = np.array(self.AXES[axes])
        self.scale_factor = _number(scale_factor, "scale_factor", "Space")
        offset_arr = np.asarray(offset, dtype=float)
        if offset_arr.shape not in ((), (3,)) or not np.all(np.isfinite(offset_arr)):
            raise InvalidParameterValueError("offset", offset, "a finite number or 3-vector",
                                             model="Space")
        self.offset = offset
        self._offset = offset_arr.reshape(-1, 1) if offset_arr.ndim else offset_arr
        self.periodic_boundaries = periodic_boundaries
        self._period = self._periods(periodic_boundaries)

    @staticmethod
    def _periods(boundaries):
        """Length of the period along each axis, 0 where not periodic."""
        period = np.zeros(3)
        if boundaries is None:
            return period
        if len(boundaries) != 3:
            raise InvalidParameterValueError(
                "periodic_boundaries", boundaries,
                "None or three entries, each None or (min, max)", model="Space")
        for axis, bounds in enumerate(boundaries):
            if bounds is None:
                continue
            if len(bounds) != 2 or not bounds[1] > bounds[0]:
                raise InvalidParameterValueError(
                    "periodic_boundaries", boundaries,
                    "None or three entries, each None or (min, max) with max > min", model="Space")
            period[axis] = bounds[1] - bounds[0]
        return period

    def __repr__(self):
        axes = "".join("xyz"[a] for a in self.axes)
        return (f"Space(axes={axes!r}, scale_factor={self.scale_factor!r}, "
                f"offset={self.offset!r}, periodic_boundaries={self.periodic_boundaries!r})")

    def displacements(self, A, B):
        """Vectors from each point of A to each point of B (B transformed by
        offset and scale_factor, periodic dimensions wrapped to the nearest
        image), all three dimensions, as an array of shape (3, n_A, n_B)."""
        A = _as_positions(A, "A")
        B = self.scale_factor * (_as_positions(B, "B") + self._offset)
        disp = B[:, None, :] - A[:, :, None]
        for axis in np.flatnonzero(self._period):
            L = self._period[axis]
            disp[axis] -= L * np.round(disp[axis] / L)
        return disp

    def distances(self, A, B, expand=False):
        """Distances between every point of A, shape (3, n) or (3,), and every
        point of B, shape (3, m) or (3,), in this space: a matrix of shape (n, m).

        With `expand` True, return instead the absolute displacement along each
        of the space's axes, shape (n_axes, n, m).
        """
        disp = self.displacements(A, B)[self.axes]
        if expand:
            return np.abs(disp)
        return np.sqrt(np.einsum("anm,anm->nm", disp, disp))


class BaseStructure:
    """Base class of the structures that place cells in space."""

    parameter_names = ()

    def get_parameters(self):
        """Return a dict of the structure's parameters."""
        return {name: getattr(self, name) for name in self.parameter_names}

    def __repr__(self):
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_parameters().items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other):
        return type(self) is type(other) and all(
            np.all(getattr(self, n) == getattr(other, n)) for n in self.parameter_names)

    def describe(self, template=None):
        """A human-readable description (a dict of name and parameters if
        `template` is None)."""
        context = {"name": type(self).__name__, "parameters": self.get_parameters()}
        if template is None:
            return context
        return f"{context['name']} with parameters {context['parameters']}"

    def generate_positions(self, n):
        """Calculate and return the positions of `n` cells positioned according
        to this structure, as an array of shape (3, n)."""
        raise NotImplementedError


class Line(BaseStructure):
    """
    Cells distributed evenly on a straight line parallel to the x axis.

    Arguments:
        `dx`: distance between points on the line.
        `x0`: x coordinate of the first point.
        `y`, `z`: y and z coordinates of all points.
    """

    parameter_names = ("dx", "x0", "y", "z")

    def __init__(self, dx=1.0, x0=0.0, y=0.0, z=0.0):
        for name, value in (("dx", dx), ("x0", x0), ("y", y), ("z", z)):
            _number(value, name, "Line")
        self.dx, self.x0, self.y, self.z = dx, x0, y, z

    def generate_positions(self, n):
        x = self.x0 + self.dx * np.arange(n, dtype=float)
        return np.array((x, np.full(n, float(self.y)), np.full(n, float(self.z))))
    generate_positions.__doc__ = BaseStructure.generate_positions.__doc__


def _check_fill_order(fill_order, model):
    if fill_order not in ("sequential", "random"):
        raise InvalidParameterValueError("fill_order", fill_order, "'sequential' or 'random'",
                                         model=model)


def _fill(positions, fill_order, rng):
    if fill_order == "sequential":
        return positions
    return positions[:, as_rng(rng).generator.permutation(positions.shape[1])]


class Grid2D(BaseStructure):
    """
    Cells on a regular 2-D grid in the plane z = `z`.

    Arguments:
        `aspect_ratio`: ratio of the number of grid points along x to that
            along y (not of the side lengths, unless dx == dy).
        `dx`, `dy`: distances between points along x and y.
        `x0`, `y0`: coordinates of the starting corner.
        `z`: the z coordinate of every point.
        `fill_order`: 'sequential' (y varies fastest) or 'random' (grid points
            assigned to cells in random order, from `rng`, or the default
            generator if None).
    """

    parameter_names = ("aspect_ratio", "dx", "dy", "x0", "y0", "z", "fill_order")

    def __init__(self, aspect_ratio=1.0, dx=1.0, dy=1.0, x0=0.0, y0=0.0, z=0,
                 fill_order="sequential", rng=None):
        _number(aspect_ratio, "aspect_ratio", "Grid2D", positive=True)
        for name, value in (("dx", dx), ("dy", dy), ("x0", x0), ("y0", y0), ("z", z)):
            _number(value, name, "Grid2D")
        _check_fill_order(fill_order, "Grid2D")
        self.aspect_ratio, self.dx, self.dy = aspect_ratio, dx, dy
        self.x0, self.y0, self.z = x0, y0, z
        self.fill_order, self.rng = fill_order, rng

    def calculate_size(self, n):
        """Number of grid points (nx, ny) along x and y for `n` cells."""
        nx = int(round(math.sqrt(n * self.aspect_ratio)))
        ny = n // nx if nx else 0
        if nx * ny != n:
            raise InvalidDimensionsError(
                f"Grid2D with aspect_ratio={self.aspect_ratio} cannot hold n={n} cells "
                f"(nearest grid {nx} x {ny} = {nx * ny})")
        return nx, ny

    def generate_positions(self, n):
        nx, ny = self.calculate_size(n)
        ix, iy = np.indices((nx, ny), dtype=float).reshape(2, -1)
        positions = np.array((self.x0 + self.dx * ix, self.y0 + self.dy * iy,
                              np.full(n, float(self.z))))
        return _fill(positions, self.fill_order, self.rng)
    generate_positions.__doc__ = BaseStructure.generate_positions.__doc__


class Grid3D(BaseStructure):
    """
    Cells on a regular 3-D grid.

    Arguments:
        `aspect_ratioXY`, `aspect_ratioXZ`: ratios of the number of grid points
            along x to those along y and along z.
        `dx`, `dy`, `dz`: distances between points along x, y, z.
        `x0`, `y0`, `z0`: coordinates of the starting corner.
        `fill_order`: 'sequential' (z varies fastest, then y, then x: the first
            cell is at (x0, y0, z0), the second at (x0, y0, z0 + dz)) or 'random'.
    """

    parameter_names = ("aspect_ratios", "dx", "dy", "dz", "x0", "y0", "z0", "fill_order")

    def __init__(self, aspect_ratioXY=1.0, aspect_ratioXZ=1.0, dx=1.0, dy=1.0, dz=1.0,
                 x0=0.0, y0=0.0, z0=0, fill_order="sequential", rng=None):
        _number(aspect_ratioXY, "aspect_ratioXY", "Grid3D", positive=True)
        _number(aspect_ratioXZ, "aspect_ratioXZ", "Grid3D", positive=True)
        for name, value in (("dx", dx), ("dy", dy), ("dz", dz), ("x0", x0), ("y0", y0),
                            ("z0", z0)):
            _number(value, name, "Grid3D")
        _check_fill_order(fill_order, "Grid3D")
        self.aspect_ratios = (aspect_ratioXY, aspect_ratioXZ)
        self.dx, self.dy, self.dz = dx, dy, dz
        self.x0, self.y0, self.z0 = x0, y0, z0
        self.fill_order, self.rng = fill_order, rng

    def calculate_size(self, n):
        """Number of grid points (nx, ny, nz) for `n` cells."""
        a, b = self.aspect_ratios
        nx = int(round((n * a * b) ** (1 / 3)))
        ny = int(round(nx / a))
        nz = int(round(nx / b))
        if nx * ny * nz != n:
            raise InvalidDimensionsError(
                f"Grid3D with aspect ratios {self.aspect_ratios} cannot hold n={n} cells "
                f"(nearest grid {nx} x {ny} x {nz} = {nx * ny * nz})")
        return nx, ny, nz

    def generate_positions(self, n):
        nx, ny, nz = self.calculate_size(n)
        ix, iy, iz = np.indices((nx, ny, nz), dtype=float).reshape(3, -1)
        positions = np.array((self.x0 + self.dx * ix, self.y0 + self.dy * iy,
                              self.z0 + self.dz * iz))
        return _fill(positions, self.fill_order, self.rng)
    generate_positions.__doc__ = BaseStructure.generate_positions.__doc__


class Shape:
    """A volume within which RandomStructure places cells."""

    def sample(self, n, rng):
        """Return `n` points distributed with uniform density within the shape,
        centred on the origin, as an array of shape (n, 3)."""
        raise NotImplementedError


class Cuboid(Shape):
    """
    A cuboidal volume centred on the origin.

    Arguments:
        `width`: extent along x; `height`: along y; `depth`: along z.
    """

    def __init__(self, width, height, depth):
        for name, value in (("width", width), ("height", height), ("depth", depth)):
            _number(value, name, "Cuboid", non_negative=True)
        self.width, self.height, self.depth = width, height, depth

    def __repr__(self):
        return f"Cuboid(width={self.width!r}, height={self.height!r}, depth={self.depth!r})"

    def __eq__(self, other):
        return isinstance(other, Cuboid) and \
            (self.width, self.height, self.depth) == (other.width, other.height, other.depth)

    def sample(self, n, rng):
        extent = np.array((self.width, self.height, self.depth), dtype=float)
        return (as_rng(rng).generator.random((n, 3)) - 0.5) * extent
    sample.__doc__ = Shape.sample.__doc__


class Sphere(Shape):
    """A spherical volume of the given `radius`, centred on the origin."""

    def __init__(self, radius):
        _number(radius, "radius", "Sphere", positive=True)
        self.radius = radius

    def __repr__(self):
        return f"Sphere(radius={self.radius!r})"

    def __eq__(self, other):
        return isinstance(other, Sphere) and self.radius == other.radius

    def sample(self, n, rng):
        # exact, with a fixed number of draws: isotropic direction from a 3-D
        # normal, radius R * U**(1/3) (the volume inside r grows as r**3)
        g = as_rng(rng).generator
        direction = g.normal(size=(n, 3))
        norm = np.linalg.norm(direction, axis=1, keepdims=True)
        norm[norm == 0] = 1.0
        r = self.radius * np.cbrt(g.random((n, 1)))
        return direction / norm * r
    sample.__doc__ = Shape.sample.__doc__


class RandomStructure(BaseStructure):
    """
    Cells distributed randomly, with uniform density, within a volume.

    Arguments:
        `boundary`: a :class:`Shape` (Cuboid or Sphere).
        `origin`: the coordinates (x, y, z) of the centre of the volume.
        `rng`: a NumpyRNG; if None, the default generator at the time the
            positions are generated.
    """

    parameter_names = ("boundary", "origin", "rng")

    def __init__(self, boundary, origin=(0.0, 0.0, 0.0), rng=None):
        if not isinstance(boundary, Shape):
            raise InvalidParameterValueError("boundary", boundary, "a Cuboid or a Sphere",
                                             model="RandomStructure")
        origin_arr = np.asarray(origin, dtype=float)
        if origin_arr.shape != (3,) or not np.all(np.isfinite(origin_arr)):
            raise InvalidParameterValueError("origin", origin, "three finite coordinates",
                                             model="RandomStructure")
        if rng is not None:
            as_rng(rng)
        self.boundary, self.origin, self.rng = boundary, tuple(origin), rng

    def generate_positions(self, n):
        points = self.boundary.sample(n, as_rng(self.rng))
        return (np.asarray(self.origin, dtype=float) + points).T
    generate_positions.__doc__ = BaseStructure.generate_positions.__doc__
