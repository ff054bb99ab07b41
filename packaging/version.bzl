# SPDX-License-Identifier: GPL-2.0-or-later
"""The package's version: the top entry of packaging/changelog must say the
same (build_deb.sh checks it)."""

VERSION = "0.1.0"
