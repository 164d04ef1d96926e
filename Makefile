# The two commands of the README: `make run` and `make test`. Both create .venv and install
# everything (llama-cpp-python is built from source the first time; pip's wheel cache keeps it).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-reliability install screenshots translations bench clean package package-test

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,starter,finetune]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/gptshelf

# pytest exits 5 when it collected no tests: that is a failure here, never a silent pass.
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# The reliability suites (tests/reliability, docs/reliability.md) at full size, and the table of figures rewritten:
# minutes, not seconds (make test runs them at a quick size). The GGUF suite also checks the ggml-vocab-*.gguf
# files of the llama-cpp-python sdist, fetched into bench/.build/ once as make bench does (skipped offline).
test-reliability: $(STAMP)
	@v=$$($(PY) -c 'from importlib.metadata import version; print(version("llama-cpp-python"))'); \
	test -e bench/.build/llama_cpp_python-$$v.tar.gz || test -d bench/.build/llama_cpp_python-$$v || \
	$(PY) -m pip download --quiet --no-binary :all: --no-deps "llama-cpp-python==$$v" -d bench/.build || \
	echo "make test-reliability: no llama-cpp-python sdist; the GGUF suite checks only the tiny models" >&2
	QT_QPA_PLATFORM=offscreen GPTSHELF_RELIABILITY=full GPTSHELF_RELIABILITY_WRITE=docs/reliability.md \
		$(PY) -m pytest tests/reliability -p no:cacheprovider

# Every benchmark: one table on stdout, docs/benchmarks.md rewritten. The first run builds llama-bench from the
# llama.cpp sources in the llama-cpp-python sdist (a few minutes, cached in bench/.build/).
bench: $(STAMP)
	$(PY) -m bench.run_all

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m app.ui.screenshots docs/screenshots

# Refresh the Chinese translation source from app/ui, then compile it (edit the .ts with pyside6-linguist).
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate $$(find app/ui -name '*.py' | sort) -ts resources/translations/gptshelf_zh_CN.ts
	$(VENV)/bin/pyside6-lrelease resources/translations/gptshelf_zh_CN.ts -qm resources/translations/gptshelf_zh_CN.qm

# Installers (docs/install.md): the PyInstaller one-dir bundle dist/gptshelf/, then the .deb around it.
PACKAGING := $(VENV)/.packaging
DEB = dist/gptshelf_$$($(PY) -c 'import app; print(app.__version__)')_$$(dpkg --print-architecture).deb

$(PACKAGING): $(STAMP)
	$(PY) -m pip install --quiet -e '.[package]'
	touch $(PACKAGING)

package: $(PACKAGING)
	QT_QPA_PLATFORM=offscreen $(PY) packaging/render_icons.py build/icons >/dev/null
	$(PY) -m PyInstaller --noconfirm --log-level ERROR --distpath dist --workpath build/pyinstaller packaging/gptshelf.spec
	packaging/linux/build_deb.sh dist/gptshelf dist build/icons

# Installs the .deb with dpkg (as root), runs the installed `gptshelf --self-test` offscreen, removes it.
package-test: package
	packaging/linux/test_deb.sh $(DEB)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
