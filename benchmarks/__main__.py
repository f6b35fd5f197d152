from loaders.huge_pages import ask_for_huge_pages

ask_for_huge_pages()  # before pyarrow loads (loaders.huge_pages); the phases' processes inherit it

from benchmarks.cli import main  # noqa: E402

main()
