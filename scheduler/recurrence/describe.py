def describe(spec, locale="en"):
    raise NotImplementedError
