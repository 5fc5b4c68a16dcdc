import CHDF5
import CPNG
import CTurboJPEG
import CZlib
