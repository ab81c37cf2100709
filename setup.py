"Package setup: reads metadata and requirements from settings.ini (nbdev template)."
from configparser import ConfigParser
from pathlib import Path
import setuptools

HERE = Path(__file__).parent # (not the current directory: `python path/to/setup.py`, a build from the sdist)
config = ConfigParser(delimiters=['='])
config.read(HERE/'settings.ini', encoding='utf-8')
cfg = config['DEFAULT']

cfg_keys = 'version description keywords author author_email'.split()
expected = cfg_keys + "lib_name user branch license status min_python audience language".split()
for o in expected: assert o in cfg, f"missing expected setting: {o}"
setup_cfg = {o: cfg[o] for o in cfg_keys}

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()

requirements = cfg.get('requirements', '').split()
dev_requirements = cfg.get('dev_requirements', '').split()
lic = licenses[cfg['license'].lower()]
min_python = cfg['min_python']

setuptools.setup(
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=['Development Status :: ' + statuses[int(cfg['status']) - 1], # status 3: '3 - Alpha' (it read '4 - Beta', helper 90)
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title(),
                 'License :: ' + lic[1]]
                + ['Programming Language :: Python :: ' + o for o in py_versions[py_versions.index(min_python):]],
    url=f"https://github.com/{cfg['user']}/{cfg['repo']}",
    # the data and model folders are packages of files (namespace packages): `find_packages` left them out and setuptools
    # warned 'Package would be ignored' for each, though package_data took their files in (helper 90)
    packages=setuptools.find_namespace_packages(include=['toolkit', 'toolkit.*'], exclude=['toolkit.__pycache__', 'toolkit.*.__pycache__']),
    include_package_data=True,
    package_data={'toolkit': ['data/*.csv.gz', 'data/*.md', 'models/*/*', 'models/*/*/*']}, # the bundled corpora and shipped models
    install_requires=requirements,
    extras_require={'dev': dev_requirements},
    python_requires='>=' + min_python,
    long_description=(HERE/'README.md').read_text(encoding='utf-8'),
    license_files=['LICENSE'],
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"toolkit=toolkit._modidx:d"]},
    **setup_cfg)
