package io.cloneguard.sim; final class Placeholder {}
