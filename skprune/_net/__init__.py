"""The network itself: math, products, surgery, inference plan, weight sharing."""
