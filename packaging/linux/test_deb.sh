#!/usr/bin/env bash
# Install the .deb the way a person's package manager would (dpkg -i), check what it put where, run the
# installed `gptshelf --self-test` offscreen in a throw-away home, then remove it and check nothing stays.
# Usage: packaging/linux/test_deb.sh dist/gptshelf_VERSION_ARCH.deb     (root, or sudo without a password)
set -euo pipefail

deb=${1:?usage: test_deb.sh PACKAGE.deb}
[ -f "$deb" ] || { echo "package-test: $deb not found; run make package first" >&2; exit 1; }
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "package-test: needs root (dpkg -i); run it as root or install sudo" >&2; exit 1; }
    sudo="sudo -n"
fi
# dpkg's view of the package: installed, unpacked (dependencies missing), config-files, or nothing.
present() { dpkg-query -W -f='${db:Status-Status}' gptshelf 2>/dev/null | grep -qv '^not-installed$'; }
if present; then
    if [ "${CI:-}" = true ]; then  # on a CI machine it can only be the leftover of an interrupted run
        echo "package-test: removing the gptshelf an earlier, interrupted run left installed"
        $sudo dpkg --purge gptshelf >/dev/null
    else
        echo "package-test: gptshelf is already installed here; remove it first (sudo dpkg -r gptshelf)," >&2
        echo "package-test: so that this test does not replace and then remove your own installation" >&2
        exit 1
    fi
fi

scratch=$(mktemp -d)
cleanup() {
    status=$?
    if present; then
        $sudo dpkg --purge gptshelf >/dev/null 2>&1 || status=1
    fi
    rm -rf "$scratch"
    exit $status
}
trap cleanup EXIT

echo "package-test: dpkg -i $deb ($(du -h "$deb" | cut -f1))"
$sudo dpkg -i "$deb" >/dev/null
for path in /usr/bin/gptshelf /opt/gptshelf/gptshelf /usr/share/applications/gptshelf.desktop \
            /usr/share/icons/hicolor/scalable/apps/gptshelf.svg /usr/share/icons/hicolor/256x256/apps/gptshelf.png; do
    [ -e "$path" ] || { echo "package-test: the package did not install $path" >&2; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then desktop-file-validate /usr/share/applications/gptshelf.desktop; fi
[ "$(command -v gptshelf)" = /usr/bin/gptshelf ] || { echo "package-test: gptshelf is not on PATH" >&2; exit 1; }

# The installed app, as a person would start it from a terminal: no display, a fresh home of its own.
cd "$scratch"
run() {
    env -u DISPLAY -u WAYLAND_DISPLAY -u GPTSHELF_HOME HOME="$scratch" TMPDIR="$scratch" QT_QPA_PLATFORM=offscreen "$@"
}
run gptshelf --version
started=$EPOCHREALTIME
run gptshelf --self-test
echo "package-test: the installed self-test ran in $(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", b - a}') s"
[ -z "$(find "$scratch" -maxdepth 1 -name 'gptshelf-selftest-*' -print -quit)" ] \
    || { echo "package-test: the self-test left its temporary data folder behind" >&2; exit 1; }
[ ! -e "$scratch/.local/share/GPTShelf" ] \
    || { echo "package-test: the self-test touched the default data folder" >&2; exit 1; }
run gptshelf info | sed 's/^/package-test: gptshelf info: /'

# dpkg warns that /opt is not empty (other programs live there); that is expected, not a leftover.
$sudo dpkg -r gptshelf 2>&1 >/dev/null | grep -v "directory '/opt' not empty" >&2 || true
for path in /usr/bin/gptshelf /opt/gptshelf /usr/share/applications/gptshelf.desktop; do
    [ ! -e "$path" ] || { echo "package-test: dpkg -r left $path behind" >&2; exit 1; }
done
echo "package-test: installed, self-tested and removed cleanly"
