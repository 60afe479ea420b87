"""The default term base, shipped as package data.

``zh-en.tsv`` here is a symbolic link to the repository's glossary/zh-en.tsv,
the file editors own; building a wheel copies its content into the package.
So one lookup (``importlib.resources.files("translator.termbases")``) finds the
live file in a checkout or editable install and the packaged copy in an
installed wheel, including on a batch worker of another machine.
"""
