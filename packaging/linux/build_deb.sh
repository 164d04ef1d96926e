#!/usr/bin/env bash
# Wrap the PyInstaller one-dir bundle in a .deb:
#   /opt/gptshelf/                                 the bundle (gptshelf + _internal/)
#   /usr/bin/gptshelf -> /opt/gptshelf/gptshelf    on PATH, for the CLI and `gptshelf --self-test`
#   /usr/share/applications/gptshelf.desktop       the menu entry
#   /usr/share/icons/hicolor/{scalable,N x N}/apps/gptshelf.{svg,png}
# Usage: packaging/linux/build_deb.sh dist/gptshelf dist [build/icons]
# No maintainer scripts: dpkg's triggers (desktop-file-utils, hicolor-icon-theme) refresh the menu and
# icon caches, and a person's data folder (~/.local/share/GPTShelf) is theirs, never touched by dpkg.
set -euo pipefail

bundle=${1:?usage: build_deb.sh BUNDLE_DIR OUT_DIR [ICON_DIR]}
out=${2:?usage: build_deb.sh BUNDLE_DIR OUT_DIR [ICON_DIR]}
icons=${3:-build/icons}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ -x "$bundle/gptshelf" ] || { echo "build_deb: no $bundle/gptshelf; run PyInstaller first (make package)" >&2; exit 1; }

version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/app/__init__.py")
arch=$(dpkg --print-architecture)
variant=$(sed -n 's/.*"variant": "\([a-z]*\)".*/\1/p' "$bundle/_internal/resources/build-info.json" 2>/dev/null || true)
suffix=""
[ -n "$variant" ] && [ "$variant" != cpu ] && suffix="-$variant"
stage="$root/build/deb/gptshelf_${version}_${arch}"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
         "$stage/usr/share/icons/hicolor/scalable/apps" "$stage/usr/share/doc/gptshelf"

cp -a "$bundle" "$stage/opt/gptshelf"
ln -s /opt/gptshelf/gptshelf "$stage/usr/bin/gptshelf"
install -m 644 "$here/gptshelf.desktop" "$stage/usr/share/applications/gptshelf.desktop"
install -m 644 "$root/resources/icons/gptshelf.svg" "$stage/usr/share/icons/hicolor/scalable/apps/gptshelf.svg"
for size in 16 24 32 48 64 128 256 512; do
    png="$icons/gptshelf-$size.png"
    if [ -f "$png" ]; then
        mkdir -p "$stage/usr/share/icons/hicolor/${size}x${size}/apps"
        install -m 644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/gptshelf.png"
    fi
done
cat > "$stage/usr/share/doc/gptshelf/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: gptshelf

Files: *
License: MIT
Comment: GPT Shelf bundles Python, Qt (PySide6, LGPLv3), llama.cpp (MIT) and the Python packages
 listed in /opt/gptshelf/_internal/*.dist-info, each under its own license.
COPYRIGHT

# The oldest glibc the bundle runs on is the newest GLIBC_x.y symbol version any of its binaries asks for.
glibc=$(find "$stage/opt/gptshelf" -type f \( -name '*.so*' -o -name gptshelf \) -print0 \
        | xargs -0 grep -aoh 'GLIBC_2\.[0-9]*' 2>/dev/null | sort -t. -k2 -n -u | tail -1 | sed 's/GLIBC_//')
installed=$(du -sk --apparent-size "$stage/opt" "$stage/usr" | awk '{s += $1} END {print s}')

# Depends: what the bundle cannot start without (PyInstaller leaves the GL/EGL stack, libxcb and glibc to
# the system, since they must match its drivers). Recommends: Qt's X11 and Wayland platform plugins'
# libraries, present on any desktop and installed by apt with the package, not needed offscreen.
cat > "$stage/DEBIAN/control" <<CONTROL
Package: gptshelf
Version: $version
Architecture: $arch
Maintainer: GPT Shelf developers <gptshelf@users.noreply.github.com>
Installed-Size: $installed
Section: utils
Priority: optional
Depends: libc6 (>= ${glibc:-2.31}), libgl1, libegl1, libxcb1, libfontconfig1
Recommends: libxcb-icccm4, libxcb-keysyms1, libxcb-cursor0, libxkbcommon-x11-0, libwayland-client0, libwayland-cursor0, libwayland-egl1
Suggests: libgtk-3-0
Homepage: https://github.com/gptshelf/gptshelf
Description: desktop app for local GPTs, run offline through llama.cpp
 GPT Shelf browses a store of GPTs (a GGUF model with instructions, conversation
 starters and sampling defaults), installs them, and chats with them offline
 through llama.cpp, from a Qt window or the gptshelf command line.
 .
 This build's llama.cpp: ${variant:-cpu}. Data lives in ~/.local/share/GPTShelf and is
 kept when the package is removed.
CONTROL

mkdir -p "$out"
deb="$out/gptshelf_${version}${suffix}_${arch}.deb"
# DEB_COMPRESS: gzip by default (8 s here, 97 MB); releases use "-Zxz -z6" (72 MB, but 3 min on two busy
# cores). Both are read by every dpkg; zstd is not (Debian before 12).
# shellcheck disable=SC2086 # the flags are meant to split
dpkg-deb --root-owner-group ${DEB_COMPRESS:--Zgzip -z6} --build "$stage" "$deb" >/dev/null
echo "$deb"
